#include "info_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "convert_report.h"
#include "info_record.h"
#include "interrupt.h"
#include "tessera/error.h"
#include "tessera/memory.h"
#include "tessera/pipeline/job.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/profiler.h"
#include "video_program.h"

namespace tessera::cli {

namespace {

// What EXIF orientation n asks a viewer to do to the stored pixels, in exiftool's words.
const char* orientation_action(int orientation) {
  switch (orientation) {
    case 2:
      return "mirror horizontal";
    case 3:
      return "rotate 180";
    case 4:
      return "mirror vertical";
    case 5:
      return "mirror horizontal and rotate 270 CW";
    case 6:
      return "rotate 90 CW";
    case 7:
      return "mirror horizontal and rotate 90 CW";
    case 8:
      return "rotate 270 CW";
    default:
      return "as stored";
  }
}

// convert works on the upright image: show that size first, and the stored one beside it
// when the orientation swaps the sides.
std::string describe_size(const ImageInfo& info) {
  if (info.orientation == 1) return fmt::format("{}x{}", info.width, info.height);
  const auto action = orientation_action(info.orientation);
  if (info.orientation < 5)
    return fmt::format("{}x{} (orientation {}: {})", info.width, info.height, info.orientation,
                       action);
  return fmt::format("{}x{} upright (stored {}x{}, orientation {}: {})", info.height, info.width,
                     info.width, info.height, info.orientation, action);
}

// An animation's frames, or a TIFF's or HEIF's pages with their sizes (the first eight), and
// which one the line describes: what --page picks from.
std::string describe_frames(const ImageInfo& info) {
  if (info.frames > 1) {
    return fmt::format(", animated: {} frames (frame {} is decoded; --page N picks another)",
                       info.frames, info.page);
  }
  if (info.animated) return ", animated (the first frame is decoded)";
  if (info.pages <= 1) return "";
  constexpr std::size_t kListed = 8;
  std::string sizes;
  for (std::size_t i = 0; i < info.page_sizes.size() && i < kListed; ++i) {
    const ImageInfo::PageSize& size = info.page_sizes[i];
    sizes += fmt::format("{}{}x{}", i == 0 ? "" : ", ", size.width, size.height);
  }
  if (static_cast<std::size_t>(info.pages) > kListed) {
    sizes += fmt::format(", and {} more", info.pages - static_cast<int>(kListed));
  }
  return fmt::format(", {} pages: {} (page {} described; --page N picks another)", info.pages,
                     sizes, info.page);
}

// How many images --page chooses from: a TIFF's or HEIF's pages, an animation's frames, one for
// other formats; null where not counted.
nlohmann::ordered_json page_count(const ImageInfo& info) {
  if (info.pages > 0) return info.pages;
  if (info.frames > 0) return info.frames;
  if (info.animated || info.format == FileFormat::Tiff) return nullptr;
  return 1;
}

nlohmann::ordered_json page_sizes(const ImageInfo& info) {
  if (info.page_sizes.empty()) return nullptr;
  nlohmann::ordered_json sizes = nlohmann::ordered_json::array();
  for (const ImageInfo::PageSize& size : info.page_sizes)
    sizes.push_back({size.width, size.height});
  return sizes;
}

// What decoding the whole image takes: the pixels, plus the codec library's own memory (a
// progressive JPEG's coefficients, libheif's frame), as `convert --estimate` and --memory count.
std::string describe_decode_memory(const Decoder& decoder) {
  const std::size_t pixels = decoder.info().decode_bytes();
  const std::size_t own = decoder.working_bytes();
  if (own == 0) return fmt::format("full decode needs {}", memory::format_bytes(pixels));
  return fmt::format("full decode needs {} ({} of pixels, {} inside the codec library)",
                     memory::format_bytes(pixels + own), memory::format_bytes(pixels),
                     memory::format_bytes(own));
}

// Which kinds of metadata the file carries (what convert keeps by default), and its resolution.
nlohmann::ordered_json metadata_record(const Decoder& decoder) {
  const Metadata& metadata = decoder.metadata();
  nlohmann::ordered_json dpi = nullptr;
  if (metadata.dpi_x > 0 && metadata.dpi_y > 0) dpi = {metadata.dpi_x, metadata.dpi_y};
  return {{"exif", !metadata.exif.empty()},
          {"xmp", !metadata.xmp.empty()},
          {"iptc", !metadata.iptc.empty()},
          {"icc", decoder.info().has_icc_profile},
          {"dpi", dpi}};
}

// The line's list of the metadata present: ", EXIF, XMP, ICC profile, 300 dpi".
std::string describe_metadata(const Decoder& decoder) {
  const Metadata& metadata = decoder.metadata();
  std::string text;
  if (!metadata.exif.empty()) text += ", EXIF";
  if (!metadata.xmp.empty()) text += ", XMP";
  if (!metadata.iptc.empty()) text += ", IPTC";
  if (decoder.info().has_icc_profile) text += ", ICC profile";
  if (metadata.dpi_x > 0 && metadata.dpi_y > 0) {
    text += metadata.dpi_x == metadata.dpi_y
                ? fmt::format(", {:g} dpi", metadata.dpi_x)
                : fmt::format(", {:g}x{:g} dpi", metadata.dpi_x, metadata.dpi_y);
  }
  return text;
}

// The same facts as the line, for programs: sizes upright and as stored, the decode memory in
// bytes (pixels, and inside the codec library).
nlohmann::ordered_json image_record(const std::string& path, const Decoder& decoder) {
  const ImageInfo& info = decoder.info();
  const bool sideways = info.orientation >= 5;
  const std::size_t pixels = info.decode_bytes();
  const std::size_t own = decoder.working_bytes();
  return {
      {"path", path},
      {"type", "image"},
      {"format", info.format_name.empty() ? std::string(to_string(info.format)) : info.format_name},
      {"width", sideways ? info.height : info.width},
      {"height", sideways ? info.width : info.height},
      {"stored_width", info.width},
      {"stored_height", info.height},
      {"orientation", info.orientation},
      {"pixel_format", info.pixel_format.name()},
      {"channels", info.pixel_format.channels()},
      {"bit_depth", info.pixel_format.bytes_per_sample() * 8},
      {"icc_profile", info.has_icc_profile},
      {"metadata", metadata_record(decoder)},
      {"progressive", info.progressive},
      {"animated", info.animated},
      // Counted where the format says it without decoding (GIF); null where it does not.
      {"frames", info.frames > 0 ? nlohmann::ordered_json(info.frames)
                 : info.animated ? nlohmann::ordered_json(nullptr)
                                 : nlohmann::ordered_json(1)},
      // The page or frame described (--page), how many there are, and a TIFF's or HEIF's
      // page sizes as stored ([width, height] each; null for other formats).
      {"page", info.page},
      {"pages", page_count(info)},
      {"page_sizes", page_sizes(info)},
      {"decode_bytes", pixels + own},
      {"decode_pixel_bytes", pixels},
      {"decode_codec_bytes", own}};
}

// The line a person reads.
void print_image_line(const std::string& path, const Decoder& decoder) {
  const ImageInfo& info = decoder.info();
  fmt::print(
      "{}: {} {} {} ({} channel{}, {}-bit){}{}{}, {}\n", path,
      info.format_name.empty() ? to_string(info.format) : info.format_name, describe_size(info),
      info.pixel_format.name(), info.pixel_format.channels(),
      info.pixel_format.channels() == 1 ? "" : "s", info.pixel_format.bytes_per_sample() * 8,
      describe_frames(info), describe_metadata(decoder),
      info.progressive ? (info.format == FileFormat::Png ? ", interlaced" : ", progressive") : "",
      describe_decode_memory(decoder));
}

}  // namespace

int run_info(const std::vector<std::string>& paths, const Limits& limits, bool json,
             std::optional<int> page) {
  int status = 0;
  for (const std::string& path : paths) {
    try {
      const DecodeOptions options{.limits = limits, .count_frames = true, .page = page};
      // "-" is standard input, as in convert.
      const auto decoder =
          path == "-" ? open_decoder(stdin, "stdin", options) : open_decoder(path, options);
      if (json) {
        print_record(image_record(path, *decoder));
      } else {
        print_image_line(path, *decoder);
      }
    } catch (const Error& error) {
      // A file that is no image may be a video, which tessera-video describes; so is a name
      // with a % that is no file, an image sequence pattern (frames/%06d.png) `video` reads.
      const bool pattern = error.code() == ErrorCode::Io && path.find('%') != std::string::npos &&
                           !std::filesystem::exists(path);
      // (Not a file in an image format tessera reads but cannot decode: a TIFF of half floats.)
      if (((error.code() == ErrorCode::UnsupportedFormat && !starts_as_a_read_format(path)) ||
           pattern) &&
          path != "-") {
        const int described = describe_video(path, json);
        if (described != kNotAVideo) {
          status = std::max(status, described);
          continue;
        }
      }
      if (error.code() == ErrorCode::UnsupportedFormat && path == "-" &&
          error.message().starts_with("MP4/QuickTime")) {
        // tessera-video reads files only (its demuxers seek): say that, not "not supported".
        const Error from_stdin(ErrorCode::UnsupportedFormat,
                               "standard input holds an MP4/QuickTime file, perhaps a video: "
                               "videos are read from a file (give its name), not from standard "
                               "input");
        if (json) print_record(error_record(path, from_stdin));
        std::fflush(stdout);
        fmt::print(stderr, "-: {}\n", from_stdin.message());
        status = 1;
        continue;
      }
      if (json) print_record(error_record(path, error));
      std::fflush(stdout);  // the lines stay in the order of the files, piped or not
      fmt::print(stderr, "{}: {}\n", path, error.what());
      status = 1;
    }
  }
  return status;
}

int run_convert(const ConvertOptions& options) {
  // Ctrl-C lets the one file finish (its temporary renamed or removed), then exits 130; a
  // second ends at once.
  InterruptWatch interrupt;
  // The pipeline is checked before anything is opened, and the report's path (it cannot be
  // written: nothing runs).
  std::optional<pipeline::Pipeline> stages;
  if (!options.pipeline.empty()) stages = pipeline::parse(options.pipeline);
  std::optional<ConvertReport> report;
  if (!options.report.empty() && !options.estimate) report.emplace(options);
  const std::size_t tracked_before = memory::counters().live_bytes;
  pipeline::Job::StageSeconds times;
  try {
    pipeline::Job job = pipeline::Job::prepare(options.input, options.output,
                                               {.limits = options.limits,
                                                .apply_orientation = options.apply_orientation,
                                                .shrink_on_load = options.shrink_on_load,
                                                .fail_on = options.fail_on,
                                                .page = options.page,
                                                .encode = options.encode,
                                                .pipeline = stages ? &*stages : nullptr,
                                                .output_format = options.output_format});
    if (options.estimate) {
      fmt::print("{}", job.describe());
      return 0;
    }
    if (report) report->start(job);
    job.run_within(options.memory, "--memory");
    times = job.stage_seconds();
  } catch (const Error& error) {
    if (report) report->fail(error);
    throw;
  }
  if (report) {
    // What the job left allocated once it is gone.
    const std::size_t live = memory::counters().live_bytes;
    report->finish(times, interrupt.signal() != 0,
                   live > tracked_before ? live - tracked_before : 0);
  }
  return interrupt.signal() != 0 ? interrupt.exit_status() : 0;
}

}  // namespace tessera::cli
