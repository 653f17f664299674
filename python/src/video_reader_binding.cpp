// tessera.video.probe() and tessera.video.frames(): a video's headers, then its frames as
// tessera.video.Frame objects, each a tessera.Image (np.asarray(frame) is a view of its pixels)
// that also says which frame it is (index, pts) and when (time, in seconds).
//
// A frame's pixels come from the reader's pool of tracked buffers (src/video/frame_buffers.cpp):
// charged to memory= (or the enclosing `with tessera.budget`), seen by tessera.memory at the
// line that asked for the frame, and given back to the pool when the last handle goes (the
// Frame, its numpy views, its regions). A loop that drops each frame decodes in a handful of
// buffers however long the video; a frame kept stays valid after the reader has moved on or
// been closed.

#include <fmt/format.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/string.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "bindings.h"
#include "image_handle.h"
#include "python_call.h"
#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/video.h"
#include "video_bindings.h"

namespace nb = nanobind;

namespace tessera::python {
namespace {

// tessera.video.Frame: a tessera.Image with the frame's place in the video.
struct PyFrame : PyImage {
  std::int64_t index = 0;  // 0-based in the decoded stream (before `every`)
  std::int64_t pts = 0;    // in the stream's time base
  double time = 0;         // seconds
};

PixelFormat frame_format_of(const std::string& name) {
  // The short names read best at the call site; the full ones are PixelFormat's own.
  if (name == "rgb") return PixelFormat::rgb8();
  if (name == "gray") return PixelFormat::gray8();
  if (const std::optional<PixelFormat> format = parse_pixel_format(name)) return *format;
  throw Error(
      ErrorCode::InvalidArgument,
      "format is \"rgb\" (the default), \"gray\", \"rgb16\" or \"gray16\", not \"" + name + "\"",
      {.operation = "frames"});
}

class FrameReader {
 public:
  // `budget` (memory=) is owned here; otherwise the frames are charged to the caller's
  // `with tessera.budget`, whose object `budget_owner` is kept alive while the reader charges it.
  FrameReader(const std::filesystem::path& path, video::ReaderOptions options,
              std::unique_ptr<MemoryBudget> budget, nb::object budget_owner)
      : path_(path),
        every_(options.every),
        format_(options.format),
        budget_(std::move(budget)),
        budget_owner_(std::move(budget_owner)) {
    if (budget_) options.budget = budget_.get();
    const PixelCall call;
    reader_.emplace(video::Reader::open(path, options));
  }

  const video::VideoInfo& info() const { return open_reader().info(); }

  nb::object next() {
    // Being closed from another thread (a stop button): the loop ends.
    if (closing_) throw nb::stop_iteration();
    // A reader is one thread's at a time; the GIL is released while it decodes, so a second
    // thread is refused rather than waited for (it would wait holding the GIL).
    const std::unique_lock busy(decoding_, std::try_to_lock);
    if (!busy.owns_lock()) {
      if (closing_) throw nb::stop_iteration();
      throw Error(ErrorCode::InvalidArgument,
                  "frames: another thread is reading this video; give each thread a reader",
                  {.path = path_.string(), .operation = "frames"});
    }
    if (!reader_) throw nb::stop_iteration();
    std::optional<video::Frame> frame;
    {
      const PixelCall call;
      frame = reader_->next();
    }
    warn_of_new_damage();
    if (!frame) {
      release();
      throw nb::stop_iteration();
    }
    ++given_;
    return nb::cast(
        PyFrame{{std::move(frame->image), false}, frame->index, frame->pts, frame->time});
  }

  // Frames already given stay valid: they hold their buffers. From another thread than the
  // loop's (a stop button), it waits for the frame being decoded, and the loop then ends.
  void close() {
    closing_ = true;
    std::unique_lock busy(decoding_, std::defer_lock);
    {
      // Without the GIL: the loop's thread needs it to finish its frame and let go.
      const GilReleased unlocked;
      busy.lock();
    }
    release();
  }
  bool closed() const { return !reader_; }
  const std::filesystem::path& path() const { return path_; }
  // "<tessera.video.frames 'clip.mp4' every=5 gray8, 12 frames given>" (", closed" once closed).
  std::string describe() const {
    return fmt::format("<tessera.video.frames '{}'{} {}, {} frame{} given{}>", path_.string(),
                       every_ > 1 ? fmt::format(" every={}", every_) : "", format_.name(), given_,
                       given_ == 1 ? "" : "s", closed() ? ", closed" : "");
  }

 private:
  const video::Reader& open_reader() const {
    if (!reader_) {
      throw Error(ErrorCode::InvalidArgument, "the reader is closed: call frames() again",
                  {.path = path_.string(), .operation = "frames"});
    }
    return *reader_;
  }

  // The reader and the budget it charges, let go (under decoding_, or on the loop's thread).
  void release() {
    reader_.reset();
    budget_owner_ = nb::none();
  }

  // What the decoder skipped (fail_on="warning"/"none"), as tessera.DecodeWarning, once each.
  void warn_of_new_damage() {
    const std::vector<std::string>& all = reader_->warnings();
    if (all.size() == warned_) return;
    const std::vector<std::string> fresh(all.begin() + static_cast<std::ptrdiff_t>(warned_),
                                         all.end());
    warned_ = all.size();
    warn_of_damage(path_, fresh);
  }

  std::filesystem::path path_;
  int every_ = 1;
  PixelFormat format_;
  std::int64_t given_ = 0;                // frames next() has returned
  std::unique_ptr<MemoryBudget> budget_;  // before reader_: its frame pool charges it
  nb::object budget_owner_;
  std::optional<video::Reader> reader_;
  std::mutex decoding_;
  std::atomic<bool> closing_{false};
  std::size_t warned_ = 0;
};

}  // namespace

nb::dict info_dict(const video::VideoInfo& info) {
  nb::dict entry;
  entry["container"] = info.container;
  entry["codec"] = info.codec;
  entry["stream_index"] = info.stream_index;
  entry["width"] = info.width;
  entry["height"] = info.height;
  entry["rotation"] = info.rotation;
  entry["fps"] = info.frame_rate;
  entry["duration"] = info.duration;
  entry["frame_count"] = info.frame_count;
  entry["frame_count_exact"] = info.frame_count_exact;
  entry["bit_depth"] = info.bit_depth;
  entry["pixel_format"] = info.pixel_format;
  nb::list streams;
  for (const video::StreamInfo& stream : info.streams) {
    nb::dict described;
    described["index"] = stream.index;
    described["type"] = stream.type;
    described["codec"] = stream.codec;
    streams.append(described);
  }
  entry["streams"] = streams;
  entry["decode_estimate"] = info.decode_estimate;
  return entry;
}

void bind_video_reader(nb::module_& module) {
  module.def(
      "probe",
      [](const std::filesystem::path& path) {
        video::VideoInfo info;
        {
          const GilReleased unlocked;
          info = video::probe(path);
        }
        return info_dict(info);
      },
      nb::arg("path"), "The video's headers as a dict (see tessera.video.probe).");

  nb::class_<PyFrame, PyImage>(module, "Frame",
                               "A decoded video frame: a tessera.Image (np.asarray(frame) is a "
                               "view of its pixels, ops take it) with its place in the video: "
                               "index (0-based, counted before every=), time (seconds) and pts "
                               "(the stream's timestamp).")
      .def_ro("index", &PyFrame::index,
              "0-based number of the frame in the video (counted before every=).")
      .def_ro("pts", &PyFrame::pts, "Presentation timestamp in the stream's time base.")
      .def_ro("time", &PyFrame::time,
              "Presentation time in seconds from the stream's start (ffprobe's pts_time less the "
              "stream's start_time; 0 for the first frame of most files), the clock start= and "
              "duration= count on.")
      .def("__repr__", [](const PyFrame& self) {
        return message_str(fmt::format("<tessera.video.Frame {} at {:.3f} s, {}x{} {}>", self.index,
                                       self.time, self.image.width(), self.image.height(),
                                       self.image.format().name()));
      });

  nb::class_<FrameReader>(module, "FrameReader",
                          "The frames of a video, one at a time; use tessera.video.frames().")
      .def(
          "__init__",
          [](FrameReader* self, const std::filesystem::path& path, int every, double start,
             double duration, const std::string& format, nb::handle memory,
             const std::string& fail_on, nb::handle max_pixels, int threads) {
            if (threads < 0 || threads > 64) {
              throw Error(ErrorCode::InvalidArgument,
                          fmt::format("frames: threads={} is not a decoder thread count: give 1 "
                                      "to 64, or None for one per core and one more",
                                      threads),
                          {.path = path.string(), .operation = "frames"});
            }
            video::ReaderOptions options{.format = frame_format_of(format),
                                         .limits = limits_of(max_pixels),
                                         .fail_on = fail_on_of(fail_on),
                                         .threads = threads,
                                         .every = every,
                                         .start = start,
                                         .duration = duration};
            std::unique_ptr<MemoryBudget> budget;
            EnteredBudget ambient;
            if (!memory.is_none()) {
              budget = std::make_unique<MemoryBudget>(bytes_of(memory, "memory"), "memory=");
            } else {
              ambient = entered_budget();
              options.budget = ambient.budget;
            }
            new (self) FrameReader(path, options, std::move(budget), std::move(ambient.owner));
          },
          nb::arg("path"), nb::kw_only(), nb::arg("every") = 1, nb::arg("start") = 0.0,
          nb::arg("duration") = 0.0, nb::arg("format") = "rgb", nb::arg("memory") = nb::none(),
          nb::arg("fail_on") = "error", nb::arg("max_pixels").none() = nb::none(),
          nb::arg("threads") = 0)
      .def_prop_ro("info", [](const FrameReader& self) { return info_dict(self.info()); })
      .def_prop_ro("closed", &FrameReader::closed)
      .def("__iter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__next__", &FrameReader::next)
      .def("close", &FrameReader::close)
      .def(
          "__enter__", [](FrameReader& self) -> FrameReader& { return self; },
          nb::rv_policy::reference)
      .def("__exit__", [](FrameReader& self, nb::args) { self.close(); })
      .def("__repr__", [](const FrameReader& self) { return message_str(self.describe()); });
}

}  // namespace tessera::python
