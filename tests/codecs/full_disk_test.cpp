// A full output device (issue 14, item 11): every encoder reports it as Error(Io) naming the
// output and "no space left on device", with os_error ENOSPC, never as corrupt data, and leaves
// no file behind. Once on a real full file system (a small tmpfs, when the test may mount
// one), and for every write of every encoder through fault injection, whose write points fail
// as a full disk does.

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <random>

#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/testing/fault_injection.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using tessera::testing::FaultInjection;

constexpr const char* kExtensions[] = {".png", ".jpg", ".tif", ".webp", ".bmp", ".ppm", ".avif"};

// Noise: no codec can squeeze it under the small device's size.
void expect_full_disk_error(const Error& error, const fs::path& output) {
  EXPECT_EQ(error.code(), ErrorCode::Io) << error.what();
  EXPECT_EQ(error.os_error(), ENOSPC) << error.what();
  EXPECT_EQ(error.path(), output.string());
  EXPECT_NE(error.message().find("no space left on device"), std::string::npos) << error.what();
}

class FullDisk : public tessera::testing::ScratchFolderTest {};

TEST_F(FullDisk, every_encoder_reports_a_full_tmpfs_as_io_error_naming_the_output) {
  const fs::path device = file("small");
  fs::create_directories(device);
  if (::mount("none", device.c_str(), "tmpfs", 0, "size=64k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (not root?): the fault-injection test covers it";
  }
  const Image image = testing::noise(400, 400, PixelFormat::rgb8(), 14u);  // 480 KB of noise
  for (const char* extension : kExtensions) {
    const fs::path output = device / (std::string("out") + extension);
    SCOPED_TRACE(output.string());
    try {
      write(image, output);
      ADD_FAILURE() << "writing to a full device succeeded";
    } catch (const Error& error) {
      expect_full_disk_error(error, output);
    }
    EXPECT_TRUE(fs::is_empty(device)) << "a partial or temporary file was left behind";
  }
  EXPECT_EQ(::umount(device.c_str()), 0);
}

TEST_F(FullDisk, every_write_of_every_encoder_failing_with_enospc_is_an_io_error) {
  const Image image = testing::noise(64, 48, PixelFormat::rgb8(), 14u);
  for (const char* extension : kExtensions) {
    const fs::path output = file(std::string("out") + extension);
    SCOPED_TRACE(output.string());
    FaultInjection::count();
    write(image, output);
    const std::uint64_t points = FaultInjection::points();
    FaultInjection::off();
    fs::remove(output);
    int full_disks = 0;
    for (std::uint64_t n = 1; n <= points; ++n) {
      FaultInjection::fail_at(n);
      try {
        write(image, output);
      } catch (const Error& error) {
        // Other points fail as their allocation or library call would (spng still calls its
        // allocation failures corrupt data); the write points must be a full disk.
        if (error.os_error() == ENOSPC) {
          expect_full_disk_error(error, output);
          ++full_disks;
        }
      }
      FaultInjection::off();
      fs::remove(output);
      EXPECT_TRUE(fs::is_empty(folder_)) << "fault point " << n << " left a file behind";
    }
    EXPECT_GE(full_disks, 1) << "no write of this encoder failed as a full disk";
  }
}

}  // namespace
}  // namespace tessera
