// One bad-state rule for both coders (issue 15 item 4): whatever error ends a decode or an
// encode, every later call on that decoder or encoder fails with the same error code, naming
// the file, saying "bad state" and repeating the first error's words; before, a poisoned
// encoder threw InvalidArgument without a path. Swept over every format tessera writes, at
// every fault point a decode and an encode pass (allocations, codec library calls, file
// commits), and at the end of a truncated file.

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/testing/fault_injection.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::FaultInjection;

class BadState : public testing::ScratchFolderTest {
 protected:
  void TearDown() override {
    FaultInjection::off();
    ScratchFolderTest::TearDown();
  }
};

const char* const kExtensions[] = {".jpg",  ".png", ".webp", ".tif", ".heic",
                                   ".avif", ".bmp", ".ppm",  ".pam"};

// The error a call after `first` must throw: its code, the path, "bad state" and its words.
void expect_bad_state_after(const Error& first, const fs::path& path,
                            const std::function<void()>& call) {
  try {
    call();
    ADD_FAILURE() << "a call after '" << first.what() << "' succeeded";
  } catch (const Error& later) {
    EXPECT_EQ(later.code(), first.code()) << later.what();
    EXPECT_EQ(later.path(), path.string()) << later.what();
    EXPECT_NE(later.message().find("bad state"), std::string::npos) << later.what();
    EXPECT_NE(later.message().find(first.message()), std::string::npos) << later.what();
  }
}

TEST_F(BadState, an_encoder_repeats_its_first_failure_with_its_path_at_every_fault_point) {
  const Image image = testing::noise(48, 40, PixelFormat::rgb8(), 15u);
  for (const char* extension : kExtensions) {
    SCOPED_TRACE(extension);
    const fs::path path = file(std::string("out") + extension);
    const auto encode = [&](Encoder& encoder) {
      encoder.write(image.view().subview({0, 0, 48, 20}));
      encoder.write(image.view().subview({0, 20, 48, 20}));
      encoder.finish();
    };
    std::uint64_t points = 0;
    {
      const auto encoder = open_encoder(path, 48, 40, PixelFormat::rgb8());
      FaultInjection::count();
      encode(*encoder);
      points = FaultInjection::points();
      FaultInjection::off();
    }
    int failures = 0;
    for (std::uint64_t n = 1; n <= points; ++n) {
      const auto encoder = open_encoder(path, 48, 40, PixelFormat::rgb8());
      FaultInjection::fail_at(n);
      try {
        encode(*encoder);
        FaultInjection::off();
        continue;  // a point whose failure the format recovers from
      } catch (const Error& first) {
        FaultInjection::off();
        ++failures;
        EXPECT_EQ(first.path(), path.string()) << "fault " << n << ": " << first.what();
        expect_bad_state_after(first, path, [&] {
          encoder->write(image.view().subview({0, 0, 48, 1}));
        });
        expect_bad_state_after(first, path, [&] { encoder->finish(); });
      }
    }
    EXPECT_GE(failures, 1) << points << " fault points, none ended the encode";
  }
}

TEST_F(BadState, a_decoder_repeats_its_first_failure_with_its_path) {
  const Image image = testing::noise(64, 64, PixelFormat::rgb8(), 16u);
  for (const char* extension : kExtensions) {
    SCOPED_TRACE(extension);
    const fs::path whole = file(std::string("whole") + extension);
    write(image, whole);
    // A file cut after its headers, and the fault points of a whole decode.
    const fs::path cut = file(std::string("cut") + extension);
    fs::copy_file(whole, cut);
    fs::resize_file(cut, fs::file_size(whole) * 2 / 3);
    const Image rows = Image::create(64, 64, PixelFormat::rgb8());
    std::unique_ptr<Decoder> decoder;
    try {
      decoder = open_decoder(cut);
    } catch (const Error&) {
      // Formats that read their whole data with the headers refuse the cut file at once.
    }
    if (decoder) {
      try {
        decoder->read(rows.mutable_view());
        ADD_FAILURE() << "a file cut to two thirds decoded";
      } catch (const Error& first) {
        EXPECT_EQ(first.path(), cut.string()) << first.what();
        expect_bad_state_after(first, cut, [&] { decoder->begin(); });
        expect_bad_state_after(first, cut, [&] {
          decoder->read(rows.mutable_view().subview({0, 0, 64, 1}));
        });
      }
    }
    FaultInjection::count();
    (void)read(whole);
    const std::uint64_t points = FaultInjection::points();
    FaultInjection::off();
    for (std::uint64_t n = 1; n <= points; ++n) {
      std::unique_ptr<Decoder> faulty;
      FaultInjection::fail_at(n);
      try {
        faulty = open_decoder(whole);
      } catch (const Error&) {
        FaultInjection::off();
        continue;  // the fault fell in the opening: there is no decoder to call again
      }
      try {
        faulty->read(rows.mutable_view());
        FaultInjection::off();
      } catch (const Error& first) {
        FaultInjection::off();
        EXPECT_EQ(first.path(), whole.string()) << "fault " << n << ": " << first.what();
        expect_bad_state_after(first, whole, [&] {
          faulty->read(rows.mutable_view().subview({0, 0, 64, 1}));
        });
      }
    }
  }
}

}  // namespace
}  // namespace tessera
