// Inputs and outputs that cannot seek (issue 14, item 14): `cat a.jpg | tessera convert
// /dev/stdin o.png`, bash's <(...) and >(...), and a command line's "-". Every format decodes
// from a pipe as from its file, the piped bytes are charged to the budget, and every format
// encodes to a pipe the same bytes it writes to a file.

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/budget.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::corpora;

constexpr const char* kExtensions[] = {".jpg", ".png", ".webp", ".tif", ".bmp", ".ppm", ".avif"};

std::vector<char> bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `bytes` into the pipe's write end from another thread, as `cat` would, then closes it.
std::thread feed(int write_end, std::vector<char> bytes) {
  return std::thread([write_end, bytes = std::move(bytes)] {
    // A reader that stops early must give this thread EPIPE, not the process SIGPIPE (the
    // signal goes to the writing thread, and dies with it).
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t wrote = ::write(write_end, bytes.data() + done, bytes.size() - done);
      if (wrote <= 0) break;  // the reader gave up: the test's expectations say why
      done += static_cast<std::size_t>(wrote);
    }
    ::close(write_end);
  });
}

// Everything that arrives at the pipe's read end, collected from another thread.
std::thread drain(int read_end, std::vector<char>& into) {
  return std::thread([read_end, &into] {
    char chunk[4096];
    for (;;) {
      const ssize_t got = ::read(read_end, chunk, sizeof chunk);
      if (got <= 0) break;
      into.insert(into.end(), chunk, chunk + got);
    }
    ::close(read_end);
  });
}

class Pipes : public testing::ScratchFolderTest {
 protected:
  fs::path written(const char* extension) {
    const fs::path path = file(std::string("photo") + extension);
    write(read(corpora() / "jpeg/libjpeg-turbo/testimages/testorig.jpg"), path);
    return path;
  }
};

TEST_F(Pipes, every_format_decodes_from_a_pipe_named_by_path_as_from_its_file) {
  TESSERA_REQUIRE_CORPORA();
  for (const char* extension : kExtensions) {
    const fs::path source = written(extension);
    SCOPED_TRACE(source.string());
    int ends[2];
    ASSERT_EQ(::pipe(ends), 0);
    std::thread writer = feed(ends[1], bytes_of(source));
    // What /dev/stdin and <(...) name: a path to the pipe's read end.
    const fs::path pipe_path = "/dev/fd/" + std::to_string(ends[0]);
    try {
      const Image piped = read(pipe_path);
      EXPECT_TRUE(testing::same_pixels(piped, read(source)));
    } catch (const Error& error) {
      ADD_FAILURE() << error.what();
    }
    writer.join();
    ::close(ends[0]);
  }
}

TEST_F(Pipes, a_fifo_and_an_open_stream_decode_too) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path source = written(".jpg");
  const fs::path fifo = file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ofstream(fifo, std::ios::binary) << std::ifstream(source, std::ios::binary).rdbuf();
  });
  EXPECT_TRUE(testing::same_pixels(read(fifo), read(source)));
  writer.join();

  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  std::thread feeder = feed(ends[1], bytes_of(source));
  std::FILE* stream = fdopen(ends[0], "rb");  // as stdin is for "-"
  const auto decoder = open_decoder(stream, "-");
  EXPECT_EQ(decoder->path(), "-");
  EXPECT_TRUE(testing::same_pixels(read(*decoder), read(source)));
  feeder.join();
  std::fclose(stream);
}

TEST_F(Pipes, piped_bytes_are_charged_to_the_budget) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path source = written(".png");
  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  std::thread writer = feed(ends[1], bytes_of(source));
  MemoryBudget budget(16 * 1024);  // less than the file
  try {
    (void)open_decoder("/dev/fd/" + std::to_string(ends[0]), {.limits = {.budget = &budget}});
    ADD_FAILURE() << "a piped file larger than the budget was read";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::OutOfBudget) << error.what();
  }
  ::close(ends[0]);  // the writer sees EPIPE and stops
  writer.join();
  EXPECT_EQ(budget.used(), 0U);
}

TEST_F(Pipes, every_format_encodes_to_a_stream_the_bytes_it_writes_to_a_file) {
  TESSERA_REQUIRE_CORPORA();
  const Image image = read(corpora() / "jpeg/libjpeg-turbo/testimages/testorig.jpg");
  for (const char* extension : kExtensions) {
    SCOPED_TRACE(extension);
    const fs::path as_file = file(std::string("file") + extension);
    write(image, as_file);
    int ends[2];
    ASSERT_EQ(::pipe(ends), 0);
    std::vector<char> received;
    std::thread reader = drain(ends[0], received);
    std::FILE* stream = fdopen(ends[1], "wb");  // as stdout is for "-"
    write(image, stream, extension, "-");
    std::fclose(stream);
    reader.join();
    EXPECT_EQ(received, bytes_of(as_file));
  }
}

TEST_F(Pipes, a_path_naming_a_fifo_is_written_as_a_stream) {
  const fs::path fifo = file("out.png");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const Image image = testing::pattern(40, 30, PixelFormat::rgb8());
  std::vector<char> received;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    received.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  });
  write(image, fifo);
  reader.join();
  const auto decoder = open_decoder(
      std::span(reinterpret_cast<const std::byte*>(received.data()), received.size()), "piped");
  EXPECT_TRUE(testing::same_pixels(read(*decoder), image));
}

TEST_F(Pipes, a_full_stream_is_an_io_error_naming_it) {
  std::FILE* full = std::fopen("/dev/full", "wb");
  if (full == nullptr) GTEST_SKIP() << "no /dev/full";
  try {
    write(testing::pattern(200, 200, PixelFormat::rgb8()), full, "png", "-");
    ADD_FAILURE() << "writing to /dev/full succeeded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Io);
    EXPECT_EQ(error.os_error(), ENOSPC);
    EXPECT_EQ(error.path(), "-");
    EXPECT_NE(error.message().find("no space left on device"), std::string::npos) << error.what();
  }
  std::fclose(full);
}

}  // namespace
}  // namespace tessera
