#pragma once
// Reading and writing image files: decoders are row sources, encoders are row sinks (rows.h).
//
// The format of an input is decided by its first bytes, never by its name; the format of an
// output by its extension. Before a single pixel is allocated, a decoder checks the size the
// header declares against Limits (a pixel cap, and the decode estimate against a memory
// budget), so a 230-byte file that declares 35584x18696 pixels fails fast with a clear error.
// After a fatal error a decoder refuses every later call ("bad state"), as libspng does.
//
// Encoders write to a temporary file beside the target and rename it into place only when
// finish() succeeded: an error, an exception or a kill never leaves a partial file under the
// final name.
//
// Thread safety: a Decoder or Encoder is used by one thread at a time; different ones are
// independent.
//
//   auto image = tessera::read("photo.jpg");                       // EXIF orientation applied
//   tessera::write(image, "photo.png", {.png_compression = 9});
//
//   auto decoder = tessera::open_decoder("huge.jpg", {.min_width = 500});  // shrink-on-load
//   auto strip = tessera::Image::create(decoder->width(), 16, decoder->format());
//   while (decoder->rows_read() < decoder->height()) { ... decoder->read(...) ... }

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <source_location>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/error.h"
#include "tessera/image.h"
#include "tessera/image_view.h"
#include "tessera/pixel_format.h"
#include "tessera/rows.h"

namespace tessera {

class MemoryBudget;
namespace codecs {
struct DecoderAccess;
}

// HEIF covers HEIC (HEVC) and AVIF (AV1); PNM covers PBM, PGM, PPM and PAM; GIF is written as
// one image (not animated). What each is called, its extensions and its encode options: the format
// table (formats.h).
enum class FileFormat { Jpeg, Png, Webp, Tiff, Gif, Heif, Bmp, Pnm };

// "jpeg", "png", "webp", "tiff", "gif", "heif", "bmp", "pnm"
std::string_view to_string(FileFormat format);

// The format whose signature `bytes` start with; nullopt when none matches.
std::optional<FileFormat> sniff_format(const std::byte* bytes, std::size_t size);
// Whether the file at `path` starts with the signature of a format tessera reads (false if it
// cannot be read): an UnsupportedFormat from such a file is an image tessera cannot decode
// (a TIFF of half floats), not a file that is no image.
bool starts_as_a_read_format(const std::filesystem::path& path);

// The format an output path asks for by its extension, any case: one of a written format's
// extensions in the format table (formats.h: ".jpg", ".png", ".avif", ...). Throws
// Error(UnsupportedFormat) naming the extension and the ones tessera writes.
FileFormat format_for_extension(const std::filesystem::path& path);

// The format a --format value names ("png", "webp"): format_for_extension's answer, its
// error naming the option ("--format jp2: ...") rather than a file. The CLI's convert and batch
// both ask this.
FileFormat format_for_option(std::string_view name);

// What a decode may take. A value passed per call: there is no global to mutate.
struct Limits {
  std::uint64_t max_pixels = std::uint64_t{1} << 30;  // width x height of the stored image
  // The decode estimate must fit in what this budget has left, and the pixels are charged to
  // it. nullptr: the thread's BudgetScope, if any.
  MemoryBudget* budget = nullptr;
  // Whether opening a decoder refuses an image whose whole decode (its pixels and the codec's
  // working memory) does not fit in what the budget has left. A caller that streams the rows
  // checks its own, smaller estimate instead (pipeline::Job does) and turns this off.
  bool whole_decode_within_budget = true;

  static Limits unlimited() { return {.max_pixels = UINT64_MAX, .budget = nullptr}; }
};

// What a file carries besides its pixels and its ICC profile, kept as stored (blobs, not
// parsed), so that an encoder can embed it again through its own library's API: a JPEG's APP1
// and APP13 markers, PNG's eXIf, iTXt and pHYs chunks, WebP's EXIF and XMP chunks, TIFF's
// tags. A value: copying it copies the bytes (usually a few KiB).
struct Metadata {
  // A TIFF structure from its byte-order mark ("II*\0" or "MM\0*"), without JPEG's
  // "Exif\0\0" prefix. Edited on the way through only for Orientation and the pixel
  // dimensions (pipeline::Job), with libexif.
  std::vector<std::byte> exif;
  std::vector<std::byte> xmp;  // the XMP packet: UTF-8 XML
  // Photoshop image resources ("8BIM" blocks), where IPTC-IIM lives (resource 0x0404): a
  // JPEG's APP13 after "Photoshop 3.0\0", TIFF's tag 34377. PNG and WebP have no place for it.
  std::vector<std::byte> iptc;
  double dpi_x = 0;  // pixels per inch; 0: the file does not say
  double dpi_y = 0;

  bool empty() const { return exif.empty() && xmp.empty() && iptc.empty() && dpi_x <= 0; }
};

// Which kinds of metadata an encoder writes, of those it is given (EncodeOptions). All by
// default, as libvips and ImageMagick keep them; none() is `--strip`.
struct MetadataKinds {
  bool exif = true;
  bool xmp = true;
  bool iptc = true;
  bool icc = true;
  bool dpi = true;

  static MetadataKinds none() { return {false, false, false, false, false}; }
  // A comma-separated list of "exif", "xmp", "iptc", "icc", "dpi", or "all" or "none" (what
  // `--keep` reads). Throws Error(InvalidArgument) naming an unknown word and the known ones.
  static MetadataKinds parse(std::string_view list);
  // The kinds as parse() reads them: "exif,icc", "all", "none".
  std::string names() const;
  bool operator==(const MetadataKinds&) const = default;
};

// What the headers say, before any pixel is decoded.
struct ImageInfo {
  FileFormat format = FileFormat::Jpeg;
  int width = 0;  // as stored, before orientation
  int height = 0;
  PixelFormat pixel_format;  // what a full decode delivers
  int orientation = 1;       // EXIF orientation, 1..8 (1: as stored)
  bool has_icc_profile = false;
  bool progressive = false;  // progressive JPEG or interlaced PNG
  bool animated = false;     // an animated WebP or GIF (DecodeOptions::page picks the frame)
  // The frames in the file, where the format can count them without decoding: a WebP's from
  // its container always, a GIF's when DecodeOptions::count_frames or a page asked for them (a
  // walk over the file); 0: not counted.
  int frames = 0;
  // Which page (TIFF directory, HEIF top-level image) or frame (GIF, animated WebP) the size,
  // format and decoder are of, 0-based: DecodeOptions::page, or the default one (0; a HEIF's
  // primary image, whichever page it is).
  int page = 0;
  // The pages of a TIFF (its directories) or a HEIF (its top-level images), in file order; 0:
  // not counted. A HEIF's are always counted; a TIFF's when count_frames asks (a walk over its
  // directories). GIF and WebP count frames instead.
  int pages = 0;
  // Each page's stored size, in the same order, where `pages` was counted (the first 10000 of
  // a TIFF's): what `tessera info` lists.
  struct PageSize {
    int width = 0;
    int height = 0;
    bool operator==(const PageSize&) const = default;
  };
  std::vector<PageSize> page_sizes{};
  // A finer name than to_string(format) where the file says it ("avif", "heic"); empty if none.
  std::string format_name;

  // Bytes a full decode into one Image needs (what read() allocates, rows padded to 64).
  std::size_t decode_bytes() const;
};

enum class FailOn { Error, Warning, None };

struct DecodeOptions {
  Limits limits{};
  // read() turns and flips the pixels so that they display upright, as EXIF orientation says.
  bool apply_orientation = true;
  // Shrink-on-load: the decoder may deliver a smaller image, but never narrower or shorter
  // than this (JPEG scales by 1/2, 1/4, 1/8 in the DCT domain; WebP to the size asked, keeping
  // the aspect ratio). 0: full size.
  int min_width = 0;
  int min_height = 0;
  // Deliver one channel of luma where the file stores it (a JPEG's Y): all a gray pipeline
  // reads, at the cost of neither chroma upsampling nor colour conversion. It is what OpenCV's
  // IMREAD_GRAYSCALE gives; it can differ by a level from converting the decoded RGB. Other
  // formats ignore it.
  bool luma_only = false;
  // False: decode at full size whatever min_width/min_height say (the pipeline's
  // shrink-on-load is then off too: `--no-shrink-on-load`).
  bool shrink_on_load = true;
  // What ends a decode, as libvips' fail_on: Error, only errors (a truncated file, a corrupt
  // stream: the default, Error(CorruptData) "truncated: N of M rows"); Warning, also the
  // library's warnings (a bad marker libjpeg skips); None, nothing that still leaves an image
  // (a truncated JPEG, PNG, GIF, TIFF, BMP or Netpbm gives its partial image, the missing rows
  // grey, with one warning on stderr). A truncated WebP or HEIF has no partial image: it fails
  // whatever the policy.
  FailOn fail_on = FailOn::Error;
  // Count an animation's frames into ImageInfo::frames (GIF: a walk over the whole file, so
  // only `tessera info` asks; a GIF is then marked animated only when it has several frames),
  // and a TIFF's pages with their sizes into ImageInfo::pages and page_sizes.
  bool count_frames = false;
  // Whether the decoder prints each warning on stderr as it comes ("tessera: warning: PATH:
  // ..."); Decoder::warnings() keeps them either way. A caller that passes them on its own way
  // (the Python module, as Python warnings) turns it off.
  bool print_warnings = true;
  // Which image of a file that holds several to decode, 0-based as libvips' `page`: a TIFF's
  // directory, a HEIF's top-level image (in file order; nullopt is the primary image, usually
  // page 0), a GIF's or animated WebP's frame, composited on the canvas as a viewer shows it
  // (GIF: disposal, transparency and offsets applied; WebP: libwebp's WebPAnimDecoder). Formats
  // of one image (JPEG, PNG, BMP, Netpbm, a still WebP) have page 0 only. A page past the last
  // or below 0 is Error(InvalidArgument) "file has 3 pages (0..2); asked for page 5". Cost: a
  // TIFF page is found through the directories before it, a GIF frame decodes the frames before
  // it (holding only the canvas), a WebP frame those since the last key frame.
  // (Initialized: a caller naming other fields by designator gets no -Wextra warning.)
  std::optional<int> page{};
};

// A row source. Rows come top to bottom, as stored (orientation is not applied here).
class Decoder : public RowSource {
 public:
  virtual ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  const ImageInfo& info() const { return info_; }
  const std::filesystem::path& path() const { return path_; }
  // The rows this decoder delivers: the stored size, or smaller after shrink-on-load.
  int width() const final { return width_; }
  int height() const final { return height_; }
  PixelFormat format() const final { return format_; }
  int rows_read() const { return rows_read_; }
  // The embedded ICC profile, empty if there is none.
  const std::vector<std::byte>& icc_profile() const { return icc_profile_; }
  // EXIF, XMP, IPTC and resolution as the file stores them; each empty if absent. A blob the
  // format's library could not read whole is left out, with a warning.
  const Metadata& metadata() const { return metadata_; }
  // Memory the format's own library allocates while decoding, outside tessera's accounting
  // (libjpeg's coefficients of a progressive file, libheif's decoded frame), estimated from the
  // headers: a job's estimate, and with it a batch's admission, counts it.
  virtual std::size_t working_bytes() const { return 0; }
  // What was accepted with a warning so far (a damaged file decoded under FailOn::None), each
  // also printed once on stderr as it happened (unless DecodeOptions::print_warnings is off): a
  // batch report lists them per file.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Records a warning about this file and prints it on stderr ("tessera: warning: PATH: ...")
  // unless DecodeOptions::print_warnings is off. Public for what a reader of the decoder notices
  // about the file (a conversion that writes one frame of an animation).
  void warn(std::string message);

  // Begins decoding: the work a format must do before its first row (libjpeg reads every scan
  // of a progressive JPEG here), so that errors found there come before the caller allocates
  // rows. read() calls it when needed; calling it twice does nothing.
  void begin() final;

  // Before the first row: lets the decoder skip what lies outside `region` of the stored image.
  // Returns the part it will now deliver, which contains the region: rows then come from that
  // part's top, and width() and height() are its size. A tiled TIFF narrows to the tiles the
  // region touches, a stripped one to the rows from its top; other formats deliver the whole
  // image (read_region drops what is outside). InvalidArgument outside the image or once rows
  // were read.
  Rect narrow_to(Rect region);

  // Decodes the next rows.height() rows into `rows`, whose width and format must be width()
  // and format(). Throws Error: CorruptData (and the file), or InvalidArgument for a mismatched
  // view or reading past the end; after a decoding error every call throws.
  void read(const MutableImageView& rows) final;

 protected:
  Decoder(std::filesystem::path path, ImageInfo info);
  // Sets the delivered size and format; subclasses call it once, before the first read.
  void set_output(int width, int height, PixelFormat format);
  virtual void begin_decoding() {}
  virtual void decode_rows(const MutableImageView& rows) = 0;
  // narrow_to's work (the region is checked): the part delivered from now on, after
  // set_output() with its size. The default keeps the whole image.
  virtual Rect narrow_decoding(Rect region);

  FailOn fail_on() const { return fail_on_; }
  // The file's data ended (or broke) with `rows_done` of height() rows decoded. Under
  // FailOn::None it warns once on stderr and returns: the caller fills what is left of `rows`
  // grey (fill_grey), and, if `later_rows_grey`, every later read() delivers grey rows
  // without decode_rows() (false: a format decoded whole up front keeps its partial image).
  // Otherwise it throws Error(CorruptData) "truncated: N of M rows" with `detail`.
  void data_ended(int rows_done, std::string_view detail, bool later_rows_grey = true);
  // Sets rows [from, rows.height()) to mid-grey, as libjpeg fills a truncated file.
  static void fill_grey(const MutableImageView& rows, int from);

  std::vector<std::byte> icc_profile_;
  Metadata metadata_;

 private:
  friend struct codecs::DecoderAccess;
  ErrorContext context() const;

  std::filesystem::path path_;
  ImageInfo info_;
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_;
  int rows_read_ = 0;
  bool started_ = false;
  std::optional<Error> failure_;  // the first failure: every later call repeats it
  FailOn fail_on_ = FailOn::Error;
  bool print_warnings_ = true;
  bool data_ended_ = false;
  bool warned_truncated_ = false;
  std::vector<std::string> warnings_;
};

// Opens `path`, sniffs its format, reads its headers and checks them against options.limits.
std::unique_ptr<Decoder> open_decoder(const std::filesystem::path& path,
                                      const DecodeOptions& options = {});

// The same, for an image already in memory (an HTTP body, a fuzzer's input). `bytes` must
// outlive the decoder; `name` stands for the path in errors.
std::unique_ptr<Decoder> open_decoder(std::span<const std::byte> bytes, std::string_view name,
                                      const DecodeOptions& options = {});

// An input that can be read only once: "-" (stdin), a pipe (/dev/stdin on a pipe, bash's
// <(...)), a FIFO, a terminal. A caller that opens such an input twice (to decode only what a
// pipeline needs) reads it once with read_once_input and opens decoders on its bytes.
bool is_read_once_input(const std::filesystem::path& path);
// The whole of such an input, in tracked memory charged to limits.budget (else the current
// budget), refused past 8 bytes per pixel of the pixel limit plus 1 MiB; Error(CorruptData) if
// it is empty. "-" reads stdin (and does not close it).
struct InputBytes {
  memory::Buffer buffer;  // owns the bytes; capacity may exceed size
  std::size_t size = 0;
  std::span<const std::byte> bytes() const { return {buffer.data(), size}; }
};
InputBytes read_once_input(const std::filesystem::path& path, const Limits& limits);

// The same, for the rest of an open stream (stdin for a command line's "-"), read to its end into
// memory charged to options.limits' budget (at most 8 bytes per pixel of the pixel limit, plus
// 1 MiB). The stream is not closed; `name` stands for the path in errors. A path that names a
// pipe (/dev/stdin on a pipe, bash's <(...)) needs nothing of this: open_decoder(path) reads it
// the same way.
std::unique_ptr<Decoder> open_decoder(std::FILE* stream, std::string_view name,
                                      const DecodeOptions& options = {});

// The headers only: no pixel is decoded.
ImageInfo probe(const std::filesystem::path& path);

// Whether a file tessera does not read is still an image, by its first bytes (JPEG 2000, JPEG
// XL, SVG, OpenEXR, PSD, ...) or by its extension for formats without a signature (.tga,
// camera raw files): a batch fails such a file as unsupported, and skips a file that is not an
// image at all (a readme.txt).
bool is_unsupported_image(const std::filesystem::path& path);

// The whole image, upright unless options say otherwise, charged to the limits' budget and
// recorded against the caller's line.
Image read(const std::filesystem::path& path, const DecodeOptions& options = {},
           std::source_location site = std::source_location::current());

// The rest of an open decoder's image: all of it, upright unless options say otherwise, if no
// row was read yet; otherwise the remaining rows as stored. For when the decoder was needed
// first, e.g. for its ICC profile.
Image read(Decoder& decoder, const DecodeOptions& options = {},
           std::source_location site = std::source_location::current());

// A rectangle of the image, upright unless options say otherwise (the region is then of the
// stored image), decoding no more of the file than the format allows: a tiled TIFF reads only
// the tiles the rectangle touches, a stripped one stops after its last row, other formats decode
// the rows down to its last and keep its columns, a band at a time. Memory: the rectangle, plus a
// band of the file's full width where the format cannot narrow, plus the codec's working memory;
// the whole image's decode estimate is not asked of the budget. InvalidArgument if the
// rectangle is empty or not inside the image.
Image read_region(const std::filesystem::path& path, Rect region, const DecodeOptions& options = {},
                  std::source_location site = std::source_location::current());

enum class ChromaSubsampling { S444, S422, S420 };
enum class TiffCompression { None, Deflate, Lzw, Jpeg };

// Every field is also an encode option by name in the format table (formats.h:
// set_encode_option(options, "quality", "80")), which is how the CLI and Python set them.
struct EncodeOptions {
  int quality = 90;          // JPEG, lossy WebP and JPEG-in-TIFF, 1..100
  bool progressive = false;  // JPEG
  ChromaSubsampling subsampling = ChromaSubsampling::S420;      // JPEG colour images
  int png_compression = 6;                                      // PNG zlib level, 0..9
  bool lossless = false;                                        // WebP
  TiffCompression tiff_compression = TiffCompression::Deflate;  // TIFF
  bool tiled = false;  // TIFF: 256x256 tiles instead of strips
  // PNG: an indexed (palette) image, quantised by libimagequant as pngquant does (PLTE + tRNS).
  // GIF always is one. Refused by the other formats rather than ignored.
  bool palette = false;
  int colors = 256;     // GIF and palette PNG: at most this many palette entries, 2..256
  double dither = 1.0;  // GIF and palette PNG: Floyd-Steinberg level, 0..1 (1: pngquant's)
  std::vector<std::byte> icc_profile{};  // embedded when the format can carry it
  // EXIF, XMP, IPTC and resolution, each embedded where the format can carry it (README,
  // "Metadata"). A job fills it from its input (pipeline::Job); tessera::write() writes what
  // it is given.
  Metadata metadata{};
  // Which of the ICC profile and `metadata` are written: MetadataKinds::none() strips them all
  // (`--strip`), as `--keep exif,icc` keeps only those.
  MetadataKinds keep_metadata{};
  // JPEG, gray8 rows: written as the colour file that `rgb` of them would give, byte for byte
  // (Y is the gray, Cb and Cr are neutral), without making the colour rows. A pipeline ending
  // in `gray ... | rgb` to JPEG uses it (pipeline::Job).
  bool gray_as_colour = false;
};

// For writing a width x height image in `format`: the memory its library's encoder allocates
// outside tessera's accounting (libwebp and libheif hold several copies of the picture), and
// for GIF and palette PNG the whole image they gather to quantise too. Measured figures with
// some margin; 0 for the formats written a row at a time. `options` matter where they change
// the encoding's memory (a palette PNG gathers its image, a plain one does not).
std::size_t encoder_working_bytes(FileFormat format, int width, int height,
                                  const EncodeOptions& options = {});

// A row sink for an image of the size and format it was opened with. Rows go top to bottom;
// nothing appears under the target name before finish().
class Encoder : public RowSink {
 public:
  virtual ~Encoder();  // without a successful finish(): the temporary file is removed
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  int width() const { return width_; }
  int height() const { return height_; }
  PixelFormat format() const { return format_; }
  int rows_written() const { return rows_written_; }

  // Not needed (the encoder knows its image from open_encoder); checks, for a caller that
  // speaks the row protocol, that the rows to come are what it was opened for.
  void begin(int width, int height, PixelFormat format) final;
  // Appends rows.height() rows; their width and format must be width() and format().
  void write(const ImageView& rows) final;
  // Completes the file and renames it into place. Every row must have been written.
  void finish() final;

  // Called before each write() and once more when the file is encoded, just before it is renamed
  // into place (a stream's: copied to the stream): an exception it throws abandons the file, so
  // nothing is left under the final name, and propagates. How a caller stops a long job
  // (pipeline::JobOptions::check_interrupt) without a complete file appearing after the stop
  // was asked for. Empty: none.
  void set_interrupt_check(std::function<void()> check) { interrupt_check_ = std::move(check); }

 protected:
  // `path` names the output in every error (the stream's name for a stream).
  Encoder(std::filesystem::path path, int width, int height, PixelFormat format);
  virtual void encode_rows(const ImageView& rows) = 0;
  virtual void finish_encoding() = 0;
  // Throws Error(Io) if writing the output failed (a full disk): called before an error from
  // encode_rows() or finish_encoding() propagates, so that a library's "write error" is
  // reported as what it is, not as corrupt data.
  virtual void check_output() const {}
  // Each format's finish_encoding() calls it last before it commits the file.
  void check_interrupt() const {
    if (interrupt_check_) interrupt_check_();
  }

 private:
  template <typename Work>
  void reporting_output_errors(Work&& work);
  ErrorContext context() const;

  std::filesystem::path path_;

  int width_;
  int height_;
  PixelFormat format_;
  int rows_written_ = 0;
  std::optional<Error> failure_;  // the first failure: every later call repeats it
  bool finished_ = false;
  std::function<void()> interrupt_check_;
};

// Throws an Error naming `path` when `format` cannot hold a width x height image: InvalidArgument
// when empty, ImageTooLarge over the format's side limit (JPEG 65500, WebP 16383). open_encoder
// checks it, and a job checks it
// before decoding.
void check_encodable(FileFormat format, int width, int height, const std::filesystem::path& path);

// An encoder for `path`, in the format its extension names. Formats that cannot store the
// given pixel format say so (Error InvalidArgument), except that JPEG drops alpha and 16-bit
// samples are reduced to 8 bits where the format has no 16-bit form.
std::unique_ptr<Encoder> open_encoder(const std::filesystem::path& path, int width, int height,
                                      PixelFormat format, const EncodeOptions& options = {});

// An encoder writing to `stream` (stdout for a command line's "-", a pipe), which it does not
// close, in the format `extension` names (".png", "webp", "avif": what format_for_extension
// reads); `name` stands for the path in errors. The file is encoded into a private temporary
// folder (in TMPDIR: libtiff seeks back over what it wrote) and copied to the stream by
// finish(), so a failed encode writes nothing to it. open_encoder(path) does the same by itself
// for a path that names a pipe or a character device (/dev/stdout, bash's >(...)).
std::unique_ptr<Encoder> open_encoder(std::FILE* stream, std::string_view extension,
                                      std::string_view name, int width, int height,
                                      PixelFormat format, const EncodeOptions& options = {});

// Removes the temporary file of every output being written now (each encoder writes under a
// hidden temporary name until finish()), for a process about to end at once (a second Ctrl-C):
// no temporary is left behind. Safe from any thread; those encoders then fail.
void remove_unfinished_outputs();

// Writes the whole image: open_encoder, every row, finish.
void write(const Image& image, const std::filesystem::path& path,
           const EncodeOptions& options = {});
// The same to a stream, as open_encoder(std::FILE*, ...) writes it.
void write(const Image& image, std::FILE* stream, std::string_view extension, std::string_view name,
           const EncodeOptions& options = {});

// Refuses an output that names the input's own file (the same path, another spelling of it, a
// hard link or a symbolic link to it): writing it would replace the original. Throws
// Error(InvalidArgument), a usage error whose message names `output`; `instead` is appended to
// "choose another output" for a way around it the caller offers (", or add --overwrite"). A path
// that does not exist yet is never the input. What `tessera convert` and `tessera video` check
// before any work.
void check_output_is_not_input(const std::filesystem::path& input,
                               const std::filesystem::path& output, std::string_view instead = {});

}  // namespace tessera
