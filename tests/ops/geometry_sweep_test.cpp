// Every geometry op over every form it takes, against the independent references: resize with
// each kernel x each target form (WxH, Wx, xH, %, factor) x each fit, keeping one axis or both,
// 1xN, Nx1 and odd sizes; crop, pad, quarter turns and flips on every pixel format.
//
// References (called in the test; Pillow through tests/ops/pillow_resize.py --list):
//   nearest              cv::resize(src, dst, size, 0, 0, INTER_NEAREST)        exact
//   linear, area, cubic  cv::resize(..., INTER_LINEAR / INTER_AREA / INTER_CUBIC) within 1
//   lanczos3             PIL.Image.resize(size, Image.LANCZOS)                  within 1
//   fit=cover            the resize to the covering size, then the centred box (sharp's cover,
//                        libvips' crop=centre): cv::Mat ROI / PIL.Image.crop of the above
//   crop, pad            cv::Mat ROI, cv::copyMakeBorder(BORDER_CONSTANT)       exact
//   rotate 90/180/270    cv::rotate; flip: cv::flip                             exact
// Small random images carry the exhaustive combinations; two real photographs the shapes a
// user asks for (the earlier differential tests compared only shapes that changed both axes,
// which is how a 2-row shift of every resize that kept the height went unseen).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "support/corpora.h"
#include "support/images.h"
#include "support/opencv_bridge.h"
#include "tessera/codec.h"
#include "tessera/ops.h"

namespace tessera {
namespace {

using ops::ResizeFit;
using ops::ResizeKernel;

constexpr ResizeKernel kAllKernels[] = {ResizeKernel::Nearest, ResizeKernel::Linear,
                                        ResizeKernel::Area, ResizeKernel::Cubic,
                                        ResizeKernel::Lanczos3};

const char* name_of(ResizeKernel kernel) {
  switch (kernel) {
    case ResizeKernel::Nearest:
      return "nearest";
    case ResizeKernel::Linear:
      return "linear";
    case ResizeKernel::Area:
      return "area";
    case ResizeKernel::Cubic:
      return "cubic";
    case ResizeKernel::Lanczos3:
      return "lanczos3";
  }
  return "?";
}

const char* name_of(ResizeFit fit) {
  return fit == ResizeFit::Fill ? "fill" : fit == ResizeFit::Inside ? "inside" : "cover";
}

// A resize as the user writes it: the size text and the fit.
struct Request {
  std::string size;
  ResizeFit fit = ResizeFit::Fill;
  std::string text() const { return fmt::format("{} fit={}", size, name_of(fit)); }
  ops::ResizeTarget target() const {
    ops::ResizeTarget target = ops::parse_resize_target(size);
    target.fit = fit;
    return target;
  }
};

// Every target form for a width x height input, with sizes that keep the width, the height or
// both, and every fit for the WxH forms (fit applies to those only).
std::vector<Request> requests_for(int width, int height) {
  const int wider = width * 3 / 2 + 1;
  const int narrower = std::max(1, width / 3);
  const int taller = height * 2 + 1;
  const int shorter = std::max(1, height / 2);
  std::vector<std::string> sizes = {
      fmt::format("{}x{}", width, height),     // both axes kept
      fmt::format("{}x{}", width, taller),     // width kept
      fmt::format("{}x{}", width, shorter),    //
      fmt::format("{}x{}", wider, height),     // height kept
      fmt::format("{}x{}", narrower, height),  //
      fmt::format("{}x{}", narrower, taller),  // one axis shrinks, the other grows
      fmt::format("{}x{}", wider, shorter),    //
      "20x20",
      "1x1",
  };
  std::vector<Request> requests;
  for (const auto& size : sizes) {
    for (ResizeFit fit : {ResizeFit::Fill, ResizeFit::Inside, ResizeFit::Cover})
      requests.push_back({size, fit});
  }
  for (const std::string& size :
       {fmt::format("{}x", width), fmt::format("{}x", wider), fmt::format("{}x", narrower),
        fmt::format("x{}", height), fmt::format("x{}", taller), fmt::format("x{}", shorter),
        std::string("100%"), std::string("50%"), std::string("37%"), std::string("170%"),
        std::string("1"), std::string("0.5"), std::string("0.3"), std::string("2")}) {
    requests.push_back({size, ResizeFit::Fill});
  }
  return requests;
}

int opencv_code(ResizeKernel kernel) {
  switch (kernel) {
    case ResizeKernel::Nearest:
      return cv::INTER_NEAREST;
    case ResizeKernel::Linear:
      return cv::INTER_LINEAR;
    case ResizeKernel::Area:
      return cv::INTER_AREA;
    default:
      return cv::INTER_CUBIC;
  }
}

// The reference: cv::resize to the grid, then the geometry's box of it (all of it but for
// fit=cover).
cv::Mat opencv_resize(ImageView src, const ops::ResizeGeometry& geometry, ResizeKernel kernel) {
  cv::Mat scaled;
  cv::resize(testing::as_mat(src), scaled, cv::Size(geometry.scaled_width, geometry.scaled_height),
             0, 0, opencv_code(kernel));
  return scaled(cv::Rect(geometry.left, geometry.top, geometry.width, geometry.height)).clone();
}

// The covering size and centred box, worked out here independently of resize_geometry: the
// scale that makes both sides at least the target's, each side rounded, the box centred and
// rounded down (libvips' vips_smartcrop with interesting=centre).
ops::ResizeGeometry expected_cover(int width, int height, int target_width, int target_height) {
  const double scale = std::max(static_cast<double>(target_width) / width,
                                static_cast<double>(target_height) / height);
  const int scaled_width = std::max(target_width, static_cast<int>(std::lround(width * scale)));
  const int scaled_height = std::max(target_height, static_cast<int>(std::lround(height * scale)));
  return {target_width,
          target_height,
          scaled_width,
          scaled_height,
          (scaled_width - target_width) / 2,
          (scaled_height - target_height) / 2};
}

class GeometrySweep : public testing::ScratchFolderTest {
 protected:
  void SetUp() override {
    ScratchFolderTest::SetUp();
    seed_ = std::random_device{}();
    random_.seed(seed_);
  }
  unsigned seed_ = 0;
  std::mt19937 random_;
};

// Item 1 of issue 14: lanczos3 copied the row two above (its first tap) wherever the height
// was kept, so "resize 512x" of a 512x512 image moved it down 2 rows.
TEST_F(GeometrySweep, every_kernel_copies_an_axis_that_keeps_its_size) {
  SCOPED_TRACE(::testing::Message() << "seed " << seed_);
  for (const auto format : {PixelFormat::gray8(), PixelFormat::rgb8(), PixelFormat::rgba8()}) {
    const Image image = testing::noise(37, 23, format, random_);
    for (ResizeKernel kernel : kAllKernels) {
      SCOPED_TRACE(fmt::format("{} {}", name_of(kernel), format.name()));
      for (const char* size : {"37x23", "37x", "x23", "100%", "1"}) {
        EXPECT_TRUE(testing::same_pixels(
            ops::resize(image.view(), ops::parse_resize_target(size), kernel), image))
            << size;
      }
      // One axis kept: each column (each row) is resampled on its own, and the kept axis is
      // untouched, so the result is the 1-D resize of every column (row).
      const Image taller = ops::resize(image.view(), ops::parse_resize_target("37x50"), kernel);
      const Image wider = ops::resize(image.view(), ops::parse_resize_target("61x23"), kernel);
      for (int x = 0; x < 37; x += 9) {
        const Image column = ops::resize(image.view().subview({x, 0, 1, 23}),
                                         ops::parse_resize_target("1x50"), kernel);
        EXPECT_TRUE(testing::same_pixels(ops::crop(taller.view(), {x, 0, 1, 50}), column))
            << "column " << x;
      }
      for (int y = 0; y < 23; y += 5) {
        const Image row = ops::resize(image.view().subview({0, y, 37, 1}),
                                      ops::parse_resize_target("61x1"), kernel);
        EXPECT_TRUE(testing::same_pixels(ops::crop(wider.view(), {0, y, 61, 1}), row))
            << "row " << y;
      }
    }
  }
}

// Item 2 of issue 14: fit=cover gave the covering size (300x200 for 200x200 of a 640x427
// photo) instead of cropping its centre.
TEST_F(GeometrySweep, cover_gives_exactly_the_target_cut_from_the_centre_of_the_covering_size) {
  const int inputs[][2] = {{640, 427}, {427, 640}, {37, 23}, {1, 9}, {9, 1}, {100, 100}};
  const int targets[][2] = {{200, 200}, {300, 100}, {1, 50}, {50, 1}, {7, 7}, {1000, 10}};
  for (const auto& [width, height] : inputs) {
    for (const auto& [target_width, target_height] : targets) {
      SCOPED_TRACE(fmt::format("{}x{} to {}x{}", width, height, target_width, target_height));
      const ops::ResizeTarget target{
          .width = target_width, .height = target_height, .fit = ResizeFit::Cover};
      EXPECT_EQ(ops::resize_output_size(target, width, height),
                (std::array{target_width, target_height}));
      const auto geometry = ops::resize_geometry(target, width, height);
      const auto expected = expected_cover(width, height, target_width, target_height);
      EXPECT_EQ(geometry.scaled_width, expected.scaled_width);
      EXPECT_EQ(geometry.scaled_height, expected.scaled_height);
      EXPECT_EQ(geometry.left, expected.left);
      EXPECT_EQ(geometry.top, expected.top);
    }
  }
  // The case: 640x427 covered by 300x200, of which columns 50..249 are kept.
  const auto rocket =
      ops::resize_geometry({.width = 200, .height = 200, .fit = ResizeFit::Cover}, 640, 427);
  EXPECT_EQ((std::array{rocket.scaled_width, rocket.scaled_height, rocket.left, rocket.top}),
            (std::array{300, 200, 50, 0}));
}

TEST_F(GeometrySweep, resize_matches_cv_resize_for_every_kernel_form_fit_and_shape) {
  SCOPED_TRACE(::testing::Message() << "seed " << seed_);
  const int shapes[][2] = {{37, 23}, {23, 37}, {1, 9}, {9, 1}, {1, 1}, {64, 48}};
  for (const auto format : {PixelFormat::gray8(), PixelFormat::rgb8(), PixelFormat::rgba8()}) {
    for (const auto& [width, height] : shapes) {
      const Image image = testing::noise(width, height, format, random_);
      for (const Request& request : requests_for(width, height)) {
        const auto geometry = ops::resize_geometry(request.target(), width, height);
        for (ResizeKernel kernel : {ResizeKernel::Nearest, ResizeKernel::Linear, ResizeKernel::Area,
                                    ResizeKernel::Cubic}) {
          SCOPED_TRACE(fmt::format("{} {} of {}x{} {}", name_of(kernel), request.text(), width,
                                   height, format.name()));
          const Image ours = ops::resize(image.view(), request.target(), kernel);
          const cv::Mat theirs = opencv_resize(image.view(), geometry, kernel);
          ASSERT_EQ(ours.width(), theirs.cols);
          ASSERT_EQ(ours.height(), theirs.rows);
          const auto diff = testing::difference(ours.view(), theirs);
          EXPECT_LE(diff.largest, kernel == ResizeKernel::Nearest ? 0 : 1)
              << diff.differing << " of " << diff.total << " samples differ";
        }
      }
    }
  }
}

// Pillow's reference for a list of resizes of one image, made by one python3 process.
class PillowBatch {
 public:
  PillowBatch(const std::filesystem::path& folder, const Image& source)
      : folder_(folder), source_(folder / "source.png") {
    write(source, source_);
  }
  // Queues a resize to the geometry's grid and its box; returns where the result will be.
  std::filesystem::path add(const ops::ResizeGeometry& geometry) {
    const auto out = folder_ / fmt::format("pillow-{}.png", jobs_.size());
    const bool cut =
        geometry.width != geometry.scaled_width || geometry.height != geometry.scaled_height;
    jobs_.push_back(
        fmt::format("{} {} {}", out.string(), geometry.scaled_width, geometry.scaled_height) +
        (cut ? fmt::format(" {} {} {} {}", geometry.left, geometry.top, geometry.width,
                           geometry.height)
             : std::string()));
    return out;
  }
  void run() {
    const auto list = folder_ / "jobs.txt";
    std::ofstream(list) << fmt::format("{}\n", fmt::join(jobs_, "\n"));
    const auto result = testing::run_command(
        "/usr/bin/python3 " + testing::shell_quote(PILLOW_RESIZE) + " " +
        testing::shell_quote(source_) + " --list " + testing::shell_quote(list));
    ASSERT_EQ(result.status, 0) << result.output;
  }

 private:
  std::filesystem::path folder_, source_;
  std::vector<std::string> jobs_;
};

// Lanczos3 against Pillow for every form, fit and shape, on random images and a photograph.
TEST_F(GeometrySweep, lanczos3_matches_pillow_for_every_form_fit_and_shape) {
  TESSERA_REQUIRE_CORPORA();
  SCOPED_TRACE(::testing::Message() << "seed " << seed_);
  std::vector<std::pair<std::string, Image>> inputs;
  for (const auto& [width, height] : {std::array{37, 23}, std::array{1, 9}, std::array{9, 1}})
    inputs.emplace_back(fmt::format("noise {}x{}", width, height),
                        testing::noise(width, height, PixelFormat::rgb8(), random_));
  inputs.emplace_back("sample.jpg",
                      read(testing::corpora() / "vips/test/test-suite/images/sample.jpg"));
  int index = 0;
  for (const auto& [name, image] : inputs) {
    const auto folder = folder_ / std::to_string(index++);
    std::filesystem::create_directories(folder);
    PillowBatch pillow(folder, image);
    std::vector<std::pair<Request, std::filesystem::path>> cases;
    for (const Request& request : requests_for(image.width(), image.height())) {
      cases.emplace_back(request, pillow.add(ops::resize_geometry(request.target(), image.width(),
                                                                  image.height())));
    }
    pillow.run();
    for (const auto& [request, theirs_file] : cases) {
      SCOPED_TRACE(fmt::format("lanczos3 {} of {} ({}x{})", request.text(), name, image.width(),
                               image.height()));
      const Image ours = ops::resize(image.view(), request.target(), ResizeKernel::Lanczos3);
      const Image theirs = ops::rgb(read(theirs_file).view());
      ASSERT_EQ(ours.width(), theirs.width());
      ASSERT_EQ(ours.height(), theirs.height());
      EXPECT_LE(testing::largest_difference(ours, theirs), 1);
    }
  }
}

// The shapes a user asks for, on a real photograph, against OpenCV.
TEST_F(GeometrySweep, resize_of_a_photo_matches_cv_resize_keeping_either_axis_and_covering) {
  TESSERA_REQUIRE_CORPORA();
  const Image photo = read(testing::corpora() / "jpeg/libjpeg-turbo/testimages/testorig.jpg");
  const int width = photo.width(), height = photo.height();
  const std::vector<Request> requests = {
      {fmt::format("{}x", width)},
      {fmt::format("{}x{}", width, height / 2)},
      {fmt::format("{}x{}", width / 3, height)},
      {"100x100", ResizeFit::Cover},
      {"300x50", ResizeFit::Cover},
      {"100x100", ResizeFit::Inside},
      {"50%"},
      {"0.37"},
  };
  for (const Request& request : requests) {
    const auto geometry = ops::resize_geometry(request.target(), width, height);
    for (ResizeKernel kernel :
         {ResizeKernel::Nearest, ResizeKernel::Linear, ResizeKernel::Area, ResizeKernel::Cubic}) {
      SCOPED_TRACE(fmt::format("{} {}", name_of(kernel), request.text()));
      const Image ours = ops::resize(photo.view(), request.target(), kernel);
      const cv::Mat theirs = opencv_resize(photo.view(), geometry, kernel);
      ASSERT_EQ(ours.width(), theirs.cols);
      ASSERT_EQ(ours.height(), theirs.rows);
      EXPECT_LE(testing::difference(ours.view(), theirs).largest,
                kernel == ResizeKernel::Nearest ? 0 : 1);
    }
  }
}

// Large shrinks average many samples: their rounded fixed-point weights must still sum to one
// (77 weights of 27 / 2048 made a 3840-wide photo 1.5% too bright at 50x28).
TEST_F(GeometrySweep, area_shrinks_by_large_factors_match_cv_resize) {
  TESSERA_REQUIRE_CORPORA();
  const Image photo =
      read(testing::corpora() / "vips/test/test-suite/images/ultra-hdr.jpg", {.min_width = 960});
  for (const char* size : {"50x28", "13x", "x7", "1x1", "0.6%", "3x300"}) {
    SCOPED_TRACE(size);
    const ops::ResizeTarget target = ops::parse_resize_target(size);
    const Image ours = ops::resize(photo.view(), target, ResizeKernel::Area);
    const cv::Mat theirs =
        opencv_resize(photo.view(), ops::resize_geometry(target, photo.width(), photo.height()),
                      ResizeKernel::Area);
    ASSERT_EQ(ours.width(), theirs.cols);
    EXPECT_LE(testing::difference(ours.view(), theirs).largest, 1);
  }
}

// Same size, format and bytes as the Mat.
void expect_same_as_mat(const Image& ours, const cv::Mat& theirs) {
  ASSERT_EQ(ours.width(), theirs.cols);
  ASSERT_EQ(ours.height(), theirs.rows);
  ASSERT_EQ(testing::cv_type(ours.format()), theirs.type());
  for (int y = 0; y < ours.height(); ++y) {
    ASSERT_EQ(std::memcmp(ours.row(y), theirs.ptr(y), ours.view().row_bytes()), 0) << "row " << y;
  }
}

TEST_F(GeometrySweep, crop_pad_quarter_turns_and_flips_equal_opencv_on_every_format_and_shape) {
  const int shapes[][2] = {{37, 23}, {1, 9}, {9, 1}, {1, 1}, {64, 48}};
  const PixelFormat formats[] = {PixelFormat::gray8(), PixelFormat::rgb8(), PixelFormat::rgba8(),
                                 PixelFormat{ChannelLayout::Gray, SampleType::U16},
                                 PixelFormat{ChannelLayout::Rgb, SampleType::F32}};
  for (const auto format : formats) {
    for (const auto& [width, height] : shapes) {
      SCOPED_TRACE(fmt::format("{}x{} {}", width, height, format.name()));
      const Image image = testing::pattern(width, height, format, width * 7 + height);
      const cv::Mat mat = testing::as_mat(image.view());
      // crop: the whole image, one pixel at each corner, an odd box inside.
      const Rect rects[] = {{0, 0, width, height},
                            {0, 0, 1, 1},
                            {width - 1, height - 1, 1, 1},
                            {width / 3, height / 4, (width + 1) / 2, (height + 2) / 3}};
      for (const Rect& rect : rects) {
        SCOPED_TRACE(fmt::format("crop {},{},{},{}", rect.x, rect.y, rect.width, rect.height));
        expect_same_as_mat(ops::crop(image.view(), rect),
                           mat(cv::Rect(rect.x, rect.y, rect.width, rect.height)));
      }
      // pad: none, one side, uneven on all sides.
      const ops::Padding paddings[] = {{0, 0, 0, 0}, {0, 3, 0, 0}, {1, 2, 3, 4}};
      const ops::Background background = {10, 200, 30, 128};
      for (const auto& sides : paddings) {
        SCOPED_TRACE(
            fmt::format("pad {},{},{},{}", sides.top, sides.right, sides.bottom, sides.left));
        // tessera's background is in 0..255 for every depth, scaled to the sample's range.
        const int channels = format.channels();
        cv::Scalar value;
        for (int c = 0; c < channels; ++c) {
          const double level = background[channels == 1 ? 0 : channels == 2 && c == 1 ? 3 : c];
          value[c] = format.sample == SampleType::U16   ? level * 257
                     : format.sample == SampleType::F32 ? level / 255.0
                                                        : level;
        }
        cv::Mat padded;
        cv::copyMakeBorder(mat, padded, sides.top, sides.bottom, sides.left, sides.right,
                           cv::BORDER_CONSTANT, value);
        expect_same_as_mat(ops::pad(image.view(), sides, background), padded);
      }
      const std::pair<int, int> turns[] = {{90, cv::ROTATE_90_CLOCKWISE},
                                           {180, cv::ROTATE_180},
                                           {270, cv::ROTATE_90_COUNTERCLOCKWISE},
                                           {-90, cv::ROTATE_90_COUNTERCLOCKWISE}};
      for (const auto& [degrees, code] : turns) {
        SCOPED_TRACE(fmt::format("rotate {}", degrees));
        cv::Mat turned;
        cv::rotate(mat, turned, code);
        expect_same_as_mat(ops::rotate(image.view(), degrees), turned);
      }
      EXPECT_TRUE(testing::same_pixels(ops::rotate(image.view(), 360), image));
      const std::pair<ops::FlipAxis, int> flips[] = {
          {ops::FlipAxis::Horizontal, 1}, {ops::FlipAxis::Vertical, 0}, {ops::FlipAxis::Both, -1}};
      for (const auto& [axis, code] : flips) {
        SCOPED_TRACE(fmt::format("flip {}", code));
        cv::Mat flipped;
        cv::flip(mat, flipped, code);
        expect_same_as_mat(ops::flip(image.view(), axis), flipped);
      }
    }
  }
}

}  // namespace
}  // namespace tessera
