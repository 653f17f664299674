// Encoding to a stream (stdout for a command line's "-", a pipe, bash's >(...)): the file is
// encoded into a private temporary, because libtiff seeks back over what it wrote and no
// encoder may leave a partial file, then copied to the stream by finish(). A failed encode
// writes nothing to the stream.

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "codecs/file_io.h"
#include "codecs/stream_output.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// The same error, naming the stream instead of the temporary it was encoded into.
Error renamed(const Error& error, const std::string& name) {
  return Error(error.code(), error.message(),
               {.path = name, .operation = error.operation(), .os_error = error.os_error()});
}

class StreamEncoder final : public Encoder {
 public:
  StreamEncoder(std::FILE* stream, bool owns_stream, std::string name, std::string_view extension,
                int width, int height, PixelFormat format, const EncodeOptions& options)
      : Encoder(name, width, height, format),
        stream_(stream),
        owns_stream_(owns_stream),
        name_(std::move(name)) {
    try {
      std::string folder =
          (std::filesystem::temp_directory_path() / "tessera-stream-XXXXXX").string();
      if (mkdtemp(folder.data()) == nullptr) {
        throw output_error(folder, errno);
      }
      folder_ = folder;
      encoded_ = folder_ / fmt::format("image{}", extension);
      inner_ = open_encoder(encoded_, width, height, format, options);
    } catch (const Error& error) {
      clean_up();
      throw renamed(error, name_);
    }
  }

  ~StreamEncoder() override { clean_up(); }

  StreamEncoder(const StreamEncoder&) = delete;
  StreamEncoder& operator=(const StreamEncoder&) = delete;

 private:
  void encode_rows(const ImageView& rows) override {
    try {
      inner_->write(rows);
    } catch (const Error& error) {
      throw renamed(error, name_);
    }
  }

  void finish_encoding() override {
    try {
      inner_->finish();
    } catch (const Error& error) {
      throw renamed(error, name_);
    }
    check_interrupt();  // the last moment: once copied, the bytes are the stream's
    std::FILE* encoded = std::fopen(encoded_.c_str(), "rb");
    if (encoded == nullptr) throw output_error(name_, errno);
    std::array<char, 64 * 1024> chunk{};
    int error_number = 0;
    for (;;) {
      const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), encoded);
      if (got == 0) break;
      if (std::fwrite(chunk.data(), 1, got, stream_) != got) {
        error_number = errno != 0 ? errno : EIO;
        break;
      }
    }
    std::fclose(encoded);
    if (error_number == 0 && std::fflush(stream_) != 0) error_number = errno;
    if (error_number == 0 && owns_stream_) {
      const bool closed = std::fclose(std::exchange(stream_, nullptr)) == 0;
      if (!closed) error_number = errno;
    }
    if (error_number != 0) throw output_error(name_, error_number);
  }

  void clean_up() noexcept {
    inner_.reset();  // removes its temporary if it did not finish
    if (!folder_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(folder_, ignored);
      folder_.clear();
    }
    if (owns_stream_ && stream_ != nullptr) std::fclose(stream_);
    stream_ = nullptr;
  }

  std::FILE* stream_;
  bool owns_stream_;
  std::string name_;
  std::filesystem::path folder_;   // private, removed with all it holds
  std::filesystem::path encoded_;  // the finished file in it
  std::unique_ptr<Encoder> inner_;
};

}  // namespace

std::unique_ptr<Encoder> open_stream_encoder(std::FILE* stream, bool owns_stream,
                                             std::string_view extension, std::string_view name,
                                             int width, int height, PixelFormat format,
                                             const EncodeOptions& options) {
  const std::string suffix =
      fmt::format("{}{}", !extension.empty() && extension.front() == '.' ? "" : ".", extension);
  try {
    (void)format_for_extension(std::filesystem::path("image" + suffix));  // names what it writes
  } catch (const Error& error) {
    if (owns_stream) std::fclose(stream);
    throw renamed(error, std::string(name));
  }
  return std::make_unique<StreamEncoder>(stream, owns_stream, std::string(name), suffix, width,
                                         height, format, options);
}

}  // namespace tessera::codecs
