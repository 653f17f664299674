#pragma once
// A video's headers as JSON, one schema for the video report's "input" and `tessera info
// --json`'s video records.

#include <nlohmann/json.hpp>

#include "tessera/video.h"

namespace tessera::cli {

// container, codec, width and height (upright), rotation, frame_rate, duration_seconds,
// frame_count, frame_count_exact, pixel_format, bit_depth, streams (index, type, codec).
nlohmann::ordered_json video_info_json(const video::VideoInfo& info);

}  // namespace tessera::cli
