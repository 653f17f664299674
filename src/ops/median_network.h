#pragma once
// Selection networks for medians: the compare-exchanges that bring the median of `count`
// values to position count / 2, applied to whole vectors of pixels at once.

#include <cstdint>
#include <utility>
#include <vector>

namespace tessera::ops::detail {

// A compare-exchange: afterwards value[first] <= value[second].
using CompareExchange = std::pair<std::uint8_t, std::uint8_t>;

// The network for `count` values (1..32), built once per count: Batcher's odd-even merge sort,
// cut down to the exchanges that can move a value into the middle position.
const std::vector<CompareExchange>& median_network(int count);

}  // namespace tessera::ops::detail
