#include "report_sites.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace tessera::cli {

nlohmann::json buffers_by_site(const std::vector<memory::BufferInfo>& buffers) {
  struct Site {
    std::string label;
    std::size_t bytes = 0, buffers = 0, pinned_buffers = 0, pinned_bytes = 0, region_bytes = 0;
  };
  std::map<std::string, Site> sites;
  for (const memory::BufferInfo& buffer : buffers) {
    Site& site = sites[buffer.site.to_string()];
    site.label = buffer.label;
    site.bytes += buffer.bytes;
    ++site.buffers;
    if (buffer.pinned_by_regions()) {
      ++site.pinned_buffers;
      site.pinned_bytes += buffer.bytes;
      site.region_bytes += buffer.region_bytes();
    }
  }
  nlohmann::json by_site = nlohmann::json::array();
  for (const auto& [name, site] : sites) {
    by_site.push_back({{"site", name},
                       {"label", site.label},
                       {"bytes", site.bytes},
                       {"buffers", site.buffers},
                       {"pinned_buffers", site.pinned_buffers},
                       {"pinned_bytes", site.pinned_bytes},
                       {"region_bytes", site.region_bytes}});
  }
  return by_site;
}

nlohmann::json leaked_sites(std::size_t leaked_bytes) {
  if (leaked_bytes == 0) return nlohmann::json::array();
  return buffers_by_site(memory::snapshot().buffers);
}

}  // namespace tessera::cli
