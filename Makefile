# The two commands of the README. Everything else is detail behind them.
#   make run  — install what is missing, build, start ptrackd with its embedded database and a demo.
#   make test — install what is missing (with Chromium for the browser tests), build, run every
#               test through CTest.
BUILD ?= build
JOBS ?= 2
MAKEFLAGS += --no-print-directory
DB ?= ./ptrack.db
GRPC_LISTEN ?= 127.0.0.1:50051
HTTP_LISTEN ?= 127.0.0.1:8080

.PHONY: all deps test-deps configure build run test fuzz clean format

all: build

deps:
	@./scripts/install-deps.sh

test-deps:
	@./scripts/install-deps.sh --test

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	$(BUILD)/service/ptrackd --demo --db $(DB) --grpc-listen $(GRPC_LISTEN) --http-listen $(HTTP_LISTEN)

test: test-deps build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The long fuzzing run (docs/RELIABILITY.md): RUNS executions per target, corpus merged back.
fuzz:
	@./scripts/fuzz.sh

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
