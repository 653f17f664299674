#pragma once
// Live buffers grouped by the line that allocated them, as a report's JSON holds them: the
// memory demo's steps ("sites") and what a run left alive at its end ("leaked_sites", beside
// totals.leaked_bytes), so that a page draws both with one renderer (html_report.cpp). Each
// site: {"site": "file.cpp:42", "label", "bytes", "buffers", "pinned_buffers", "pinned_bytes",
// "region_bytes"}; pinned: a buffer only regions keep alive.

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <vector>

#include "tessera/profiler.h"

namespace tessera::cli {

// By site, in the order of the sites' names.
nlohmann::json buffers_by_site(const std::vector<memory::BufferInfo>& buffers);

// The buffers alive now by site when `leaked_bytes` > 0, else an empty array. Sites are
// recorded only while profiling is on (TESSERA_LEAK_CHECK=1, TESSERA_PROFILE=1): without it a
// leak has no site, and the array is empty.
nlohmann::json leaked_sites(std::size_t leaked_bytes);

}  // namespace tessera::cli
