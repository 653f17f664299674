#pragma once
// Selection networks for medians: the compare-exchanges that bring the median of `count`
// values to position count / 2, applied to whole vectors of pixels at once. They are built at
// compile time, so a kernel can unroll one completely and keep every value in a register.

#include <array>
#include <cstddef>
#include <cstdint>

namespace tessera::ops::detail {

// A compare-exchange: afterwards value[first] <= value[second].
struct CompareExchange {
  std::uint8_t first = 0, second = 0;
};

namespace median_network_detail {

// Batcher's odd-even merge sort of 32 values has 191 exchanges; any cut of it fits here.
struct Exchanges {
  std::array<CompareExchange, 192> items{};
  std::size_t size = 0;
};

// Batcher's odd-even merge sort of `count` values (1..32), in execution order. Values
// count..31 count as +infinity: an exchange that touches one never moves anything, so it is
// dropped.
constexpr Exchanges odd_even_merge_sort(int count) {
  constexpr int n = 32;
  Exchanges network;
  for (int p = 1; p < n; p *= 2) {
    for (int k = p; k >= 1; k /= 2) {
      for (int j = k % p; j + k < n; j += 2 * k) {
        for (int i = 0; i < k && i + j + k < n; ++i) {
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p) && i + j + k < count) {
            network.items[network.size++] = {static_cast<std::uint8_t>(i + j),
                                             static_cast<std::uint8_t>(i + j + k)};
          }
        }
      }
    }
  }
  return network;
}

// The sort cut down to the exchanges the middle position's outcome depends on: walking
// backwards from it, an exchange is kept when it touches a position already needed.
constexpr Exchanges selection(int count) {
  const Exchanges sorting = odd_even_merge_sort(count);
  std::array<bool, 32> needed{};
  needed[static_cast<std::size_t>(count / 2)] = true;
  Exchanges reversed;
  for (std::size_t k = sorting.size; k-- > 0;) {
    const CompareExchange exchange = sorting.items[k];
    if (needed[exchange.first] || needed[exchange.second]) {
      needed[exchange.first] = needed[exchange.second] = true;
      reversed.items[reversed.size++] = exchange;
    }
  }
  Exchanges kept;
  for (std::size_t k = reversed.size; k-- > 0;) kept.items[kept.size++] = reversed.items[k];
  return kept;
}

template <int kCount>
constexpr auto trimmed_selection() {
  constexpr Exchanges all = selection(kCount);
  std::array<CompareExchange, all.size> exact{};
  for (std::size_t k = 0; k < all.size; ++k) exact[k] = all.items[k];
  return exact;
}

}  // namespace median_network_detail

// The network for kCount values (1..32).
template <int kCount>
inline constexpr auto kMedianNetwork = median_network_detail::trimmed_selection<kCount>();

static_assert(kMedianNetwork<9>.size() == 32 && kMedianNetwork<25>.size() == 113,
              "the cut-down Batcher networks for 3x3 and 5x5 medians");

}  // namespace tessera::ops::detail
