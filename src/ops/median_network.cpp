#include "ops/median_network.h"

#include <array>
#include <mutex>

namespace tessera::ops::detail {
namespace {

// Batcher's odd-even merge sort of 32 values, in execution order.
std::vector<CompareExchange> odd_even_merge_sort_32() {
  constexpr int n = 32;
  std::vector<CompareExchange> network;
  for (int p = 1; p < n; p *= 2) {
    for (int k = p; k >= 1; k /= 2) {
      for (int j = k % p; j + k < n; j += 2 * k) {
        for (int i = 0; i < k && i + j + k < n; ++i) {
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) {
            network.emplace_back(static_cast<std::uint8_t>(i + j),
                                 static_cast<std::uint8_t>(i + j + k));
          }
        }
      }
    }
  }
  return network;
}

std::vector<CompareExchange> build(int count) {
  // Values count..31 count as +infinity: an exchange that touches one never moves anything,
  // so it is dropped and the rest sorts `count` values.
  std::vector<CompareExchange> sorting;
  for (const auto& exchange : odd_even_merge_sort_32()) {
    if (exchange.second < count) sorting.push_back(exchange);
  }
  // Walking backwards from the middle position, keep the exchanges whose outcome it depends on.
  std::array<bool, 32> needed{};
  needed[count / 2] = true;
  std::vector<CompareExchange> kept;
  for (auto it = sorting.rbegin(); it != sorting.rend(); ++it) {
    if (needed[it->first] || needed[it->second]) {
      needed[it->first] = needed[it->second] = true;
      kept.push_back(*it);
    }
  }
  return {kept.rbegin(), kept.rend()};
}

}  // namespace

const std::vector<CompareExchange>& median_network(int count) {
  static std::array<std::vector<CompareExchange>, 33> networks;
  static std::array<std::once_flag, 33> built;
  std::call_once(built[count], [count] { networks[count] = build(count); });
  return networks[count];
}

}  // namespace tessera::ops::detail
