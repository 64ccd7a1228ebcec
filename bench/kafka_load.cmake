# Kafka load benchmark on librdkafka (against eddy serve or librdkafka's mock cluster); see
# bench/kafka_load.cc and bench/peers/kafka_load.sh. Included from bench/CMakeLists.txt.
add_executable(eddy_kafka_load kafka_load.cc)
target_link_libraries(eddy_kafka_load PRIVATE eddy_options PkgConfig::RDKAFKA)
