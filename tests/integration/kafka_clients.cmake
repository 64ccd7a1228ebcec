# Integration and e2e tests that drive `eddy serve` with Kafka clients nobody here wrote: kcat, librdkafka
# (C API), kafkajs and Confluent's JS client. Included from tests/integration/CMakeLists.txt.

add_library(eddy_kafka_it_support STATIC eddy_server.cc rdkafka_util.cc child_process.cc)
target_link_libraries(eddy_kafka_it_support PUBLIC eddy_options PkgConfig::RDKAFKA fmt::fmt)
add_dependencies(eddy_kafka_it_support eddy)
target_compile_definitions(eddy_kafka_it_support PUBLIC EDDY_BINARY="$<TARGET_FILE:eddy>")

# kcat 1.7.1 from Debian.
eddy_test(eddy_kcat_test SOURCES kcat_test.cc DEPS eddy_kafka_it_support LABEL integration TIMEOUT 120)

# librdkafka 2.0.2 (C API): idempotence under retries, group rebalance, resume after restart, admin.
eddy_test(eddy_rdkafka_client_test SOURCES rdkafka_client_test.cc DEPS eddy_kafka_it_support
          LABEL integration TIMEOUT 120)

# kill -9 during sustained idempotent acks=all produce, with --smp 1 and 2.
eddy_test(eddy_durability_e2e_test SOURCES durability_e2e_test.cc DEPS eddy_kafka_it_support LABEL e2e TIMEOUT 180)

# eddy's own client subcommands (topic, produce, consume) against eddy serve.
eddy_test(eddy_cli_client_test SOURCES cli_client_test.cc DEPS eddy_kafka_it_support LABEL integration TIMEOUT 120)

# JS clients (node's test runner), after `npm ci` in tests/clients (scripts/setup-js-clients).
find_program(NODE_PROGRAM node)
if(NODE_PROGRAM)
  add_test(NAME js_clients_setup COMMAND ${PROJECT_SOURCE_DIR}/scripts/setup-js-clients)
  set_tests_properties(js_clients_setup PROPERTIES FIXTURES_SETUP js_clients LABELS integration TIMEOUT 1800)
  foreach(client kafkajs confluent)
    add_test(NAME js_${client} COMMAND ${NODE_PROGRAM} --test ${PROJECT_SOURCE_DIR}/tests/clients/${client}.test.mjs)
    set_tests_properties(js_${client} PROPERTIES FIXTURES_REQUIRED js_clients LABELS integration TIMEOUT 120
                         ENVIRONMENT "EDDY_BINARY=$<TARGET_FILE:eddy>")
  endforeach()
endif()
