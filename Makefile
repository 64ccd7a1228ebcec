# The two commands users need: `make run` and `make test`. Everything else supports them.
# WERROR=ON|OFF sets -Werror in build/ (.ci/run passes ON); unset, build/ keeps what it was configured with,
# so `make run` after `make test WERROR=ON` does not recompile everything.
WERROR ?=
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: deps configure build run test test-unit test-asan bench fuzz clean

deps:
	@scripts/install-deps

configure: deps
	@cmake --preset release $(if $(WERROR),-DEDDY_WERROR=$(WERROR)) >/dev/null

build: configure
	@cmake --build --preset release -j $(JOBS)

run: build
	./build/eddy serve

test: build
	ctest --preset release $(CTEST_ARGS)

test-unit: build
	ctest --preset release -L 'unit|component' $(CTEST_ARGS)

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -L 'unit|component' $(CTEST_ARGS)

bench: build
	scripts/run-bench

fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzzers
	scripts/run-fuzz

clean:
	rm -rf build build-debug build-asan build-fuzz
