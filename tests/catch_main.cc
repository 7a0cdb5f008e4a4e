// Catch2's main, compiled once in a translation unit of its own (it alone takes ~20 s to build).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
