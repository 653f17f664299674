#pragma once
// `tessera ops [NAME...]`: every op with its parameters, read from the op registry.

#include <string>
#include <vector>

namespace tessera::cli {

// Prints every op (or the named ones); returns the exit status (2 for an unknown name).
int run_ops(const std::vector<std::string>& names);

}  // namespace tessera::cli
