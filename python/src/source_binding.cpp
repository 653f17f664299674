// tessera.open: a file's headers first (size, format, what a decode needs), then its pixels
// whole or band by band, so that a huge image can be streamed in constant memory:
//
//   with tessera.open("huge.tif") as src:
//       print(src.width, src.height, src.format, src.estimate)
//       for band in src.bands(256): ...          # Images of 256 rows, as stored

#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "bindings.h"
#include "image_handle.h"
#include "python_call.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace nb = nanobind;

namespace tessera::python {
namespace {

class Source {
 public:
  Source(const std::filesystem::path& path, std::optional<std::uint64_t> max_pixels,
         std::optional<int> page)
      : path_(path) {
    // 0 lifts the limit, as read()'s max_pixels=0 and the error message say.
    if (max_pixels) options_.limits.max_pixels = *max_pixels == 0 ? UINT64_MAX : *max_pixels;
    options_.page = page;
    // The pages' count and sizes are cheap for HEIF, a directory walk for TIFF, a record walk
    // for GIF: what `pages` reports.
    options_.count_frames = true;
    const PixelCall call;
    decoder_ = open_decoder(path, options_);
  }

  const Decoder& decoder() const {
    if (!decoder_) {
      throw Error(ErrorCode::InvalidArgument, "the source is closed: open the file again",
                  {.path = path_.string(), .operation = "open"});
    }
    return *decoder_;
  }
  Decoder& decoder() { return const_cast<Decoder&>(std::as_const(*this).decoder()); }

  // The whole image, upright; once, before any band.
  PyImage read() {
    Decoder& source = decoder();
    if (read_) {
      throw Error(ErrorCode::InvalidArgument,
                  "read() again: the image was read already; keep the Image the first read() "
                  "gave, or open the file again",
                  {.path = path_.string(), .operation = "open"});
    }
    refuse_if_started(source, "read()");
    Image image;
    {
      const PixelCall call;
      image = tessera::read(source, options_);
    }
    read_ = true;
    return {std::move(image), false};
  }

  // The next `rows` rows as stored (no orientation), or None after the last.
  nb::object next_band(int rows, bool first) {
    Decoder& source = decoder();
    if (rows < 1) throw Error(ErrorCode::InvalidArgument, "bands need at least 1 row each");
    if (first && source.rows_read() >= source.height()) {  // not a silent empty loop
      throw Error(ErrorCode::InvalidArgument,
                  read_ ? "bands() after read(): the image was read whole already; open the "
                          "file again to read it in bands"
                        : "bands(): every row was read already: open the file again to read it "
                          "again",
                  {.path = path_.string(), .operation = "bands"});
    }
    if (source.rows_read() >= source.height()) return nb::none();
    const int count = std::min(rows, source.height() - source.rows_read());
    Image band;
    {
      const PixelCall call;
      band = Image::create(source.width(), count, source.format(), {.label = "tessera.open band"});
      source.read(band.mutable_view());
    }
    return nb::cast(PyImage{std::move(band), false});
  }

  void close() { decoder_.reset(); }
  bool is_open() const { return decoder_ != nullptr; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void refuse_if_started(const Decoder& source, const char* what) const {
    if (source.rows_read() != 0) {
      throw Error(ErrorCode::InvalidArgument,
                  std::string(what) + " after bands were read: open the file again",
                  {.path = path_.string(), .operation = "open"});
    }
  }

  std::filesystem::path path_;
  DecodeOptions options_;
  std::unique_ptr<Decoder> decoder_;
  bool read_ = false;  // read() gave the whole image
};

}  // namespace

void bind_source(nb::module_& module) {
  nb::class_<Source>(module, "Source",
                     "A file opened by tessera.open(): its headers now, its pixels on read() "
                     "or band by band with bands(rows).")
      .def(nb::init<const std::filesystem::path&, std::optional<std::uint64_t>,
                    std::optional<int>>(),
           nb::arg("path"), nb::kw_only(), nb::arg("max_pixels") = nb::none(),
           nb::arg("page") = nb::none())
      .def_prop_ro(
          "page", [](const Source& self) { return self.decoder().info().page; },
          "The page or frame opened, from 0 (page=; a HEIF's primary image by default).")
      .def_prop_ro(
          "pages",
          [](const Source& self) {
            const ImageInfo& info = self.decoder().info();
            return info.pages > 0 ? info.pages : std::max(info.frames, 1);
          },
          "How many pages (TIFF directories, HEIF top-level images) or frames (GIF, animated "
          "WebP) page= chooses from; 1 for formats of one image.")
      .def_prop_ro(
          "width", [](const Source& self) { return self.decoder().width(); },
          "Width as stored (before EXIF orientation), as bands() delivers it.")
      .def_prop_ro("height", [](const Source& self) { return self.decoder().height(); })
      .def_prop_ro("format", [](const Source& self) { return self.decoder().format().name(); })
      .def_prop_ro("file_format",
                   [](const Source& self) {
                     const ImageInfo& info = self.decoder().info();
                     return info.format_name.empty() ? std::string(to_string(info.format))
                                                     : info.format_name;
                   })
      .def_prop_ro("orientation",
                   [](const Source& self) { return self.decoder().info().orientation; })
      .def_prop_ro(
          "estimate",
          [](const Source& self) {
            return self.decoder().info().decode_bytes() + self.decoder().working_bytes();
          },
          "Bytes a whole read() takes: the pixels and what the codec library holds.")
      .def("read", &Source::read, "The whole image, upright (once, before any band).")
      .def("_next_band", &Source::next_band, nb::arg("rows"), nb::arg("first") = false)
      .def("__repr__",
           [](const Source& self) {
             if (!self.is_open()) {
               return message_str("<tessera.open '" + self.path().string() + "', closed>");
             }
             const Decoder& source = self.decoder();
             return message_str("<tessera.open '" + self.path().string() + "' " +
                                std::to_string(source.width()) + "x" +
                                std::to_string(source.height()) + " " +
                                std::string(source.format().name()) + ">");
           })
      .def("close", &Source::close)
      .def(
          "__enter__", [](Source& self) -> Source& { return self; }, nb::rv_policy::reference)
      .def("__exit__", [](Source& self, nb::args) { self.close(); });
}

}  // namespace tessera::python
