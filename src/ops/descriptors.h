#pragma once
// Each op's file describes its op(s) here; registry.cpp lists them in `tessera ops` order.
// Parameters are declared once, in the op's file, and checked by the same ParamSpec whether
// the op is called from C++, from pipeline text or with typed values; the streaming hooks
// (streaming.h) sit beside them.

#include <vector>

#include "ops/streaming.h"
#include "tessera/ops/registry.h"

namespace tessera::ops::detail {

std::vector<OpDescriptor> colour_ops();
std::vector<OpDescriptor> flatten_ops();
std::vector<OpDescriptor> tone_ops();
std::vector<OpDescriptor> blur_ops();
std::vector<OpDescriptor> filter_ops();
std::vector<OpDescriptor> edge_ops();
std::vector<OpDescriptor> geometry_ops();

}  // namespace tessera::ops::detail
