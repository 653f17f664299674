#include "video_info_json.h"

namespace tessera::cli {

nlohmann::ordered_json video_info_json(const video::VideoInfo& info) {
  nlohmann::ordered_json streams = nlohmann::ordered_json::array();
  for (const video::StreamInfo& stream : info.streams) {
    streams.push_back({{"index", stream.index}, {"type", stream.type}, {"codec", stream.codec}});
  }
  return {{"container", info.container},
          {"codec", info.codec},
          {"width", info.width},
          {"height", info.height},
          {"rotation", info.rotation},
          {"frame_rate", info.frame_rate},
          {"duration_seconds", info.duration},
          {"frame_count", info.frame_count},
          {"frame_count_exact", info.frame_count_exact},
          {"pixel_format", info.pixel_format},
          {"bit_depth", info.bit_depth},
          {"streams", streams}};
}

}  // namespace tessera::cli
