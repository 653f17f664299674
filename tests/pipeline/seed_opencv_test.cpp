// The seed pipeline as a user runs it (`tessera convert photo.jpg edges.jpg -p "gray | blur 5
// | canny 50 150 | rgb"`) against OpenCV's fastest way to the same result, decoding straight
// to gray: cv::imread(IMREAD_GRAYSCALE), GaussianBlur 5x5, Canny(50, 150), cvtColor(GRAY2BGR).
// IMREAD_GRAYSCALE is libjpeg's own grayscale output, which `djpeg -grayscale` prints; the test
// takes the decoded pixels from djpeg rather than cv::imread, whose Debian build drags in GDAL
// (and GDAL's own locks, which ThreadSanitizer reports). The decoded pixels and the edge maps
// must be identical.

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "support/corpora.h"
#include "support/opencv_bridge.h"
#include "support/pnm.h"
#include "support/run_command.h"
#include "tessera/codec.h"
#include "tessera/pipeline/load_plan.h"
#include "tessera/pipeline/stream.h"

namespace tessera {
namespace {

TEST(SeedPipelineAgainstOpenCv, luma_decode_and_edges_are_identical_to_imread_grayscale) {
  TESSERA_REQUIRE_CORPORA();
  const char* photos[] = {"vips/test/test-suite/images/ultra-hdr.jpg",
                          "jpeg/libjpeg-turbo/testimages/testorig.jpg"};
  for (const char* name : photos) {
    const auto path = testing::corpora() / name;
    SCOPED_TRACE(path.string());
    const auto stages = pipeline::parse("gray | blur 5 | canny 50 150 | rgb");
    auto probe = open_decoder(path);
    const auto load = pipeline::plan_load(stages, probe->info(), {});
    ASSERT_TRUE(load.luma);
    ASSERT_EQ(load.pipeline.stages.size(), 3u);  // gray came from the decoder

    // The decoded luma is libjpeg's grayscale output (OpenCV's IMREAD_GRAYSCALE), pixel for
    // pixel.
    const auto pgm = testing::parse_pnm(
        testing::run_command("djpeg -grayscale -pnm " + testing::shell_quote(path.string()), false)
            .output);
    ASSERT_TRUE(pgm.has_value());
    ASSERT_EQ(pgm->channels, 1);
    cv::Mat theirs_gray(pgm->height, pgm->width, CV_8UC1);
    for (int y = 0; y < pgm->height; ++y) {
      for (int x = 0; x < pgm->width; ++x) {
        theirs_gray.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(pgm->at(x, y, 0));
      }
    }
    const Image ours_gray = read(path, load.options);
    ASSERT_EQ(ours_gray.format(), PixelFormat::gray8());
    EXPECT_EQ(testing::difference(ours_gray.view(), theirs_gray).differing, 0);

    // The streamed pipeline equals OpenCV's three calls on those pixels.
    auto decoder = open_decoder(path, load.options);
    pipeline::ImageSink sink;
    pipeline::run_streaming(load.pipeline, *decoder, sink);
    cv::Mat soft, edges, theirs;
    cv::GaussianBlur(theirs_gray, soft, cv::Size(5, 5), 0);
    cv::Canny(soft, edges, 50, 150);
    cv::cvtColor(edges, theirs, cv::COLOR_GRAY2RGB);
    const auto difference = testing::difference(sink.image().view(), theirs);
    EXPECT_EQ(difference.differing, 0) << "largest difference " << difference.largest;
  }
}

}  // namespace
}  // namespace tessera
