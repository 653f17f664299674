// OpenCV C++ doing the pipeline benchmark's tasks the way an OpenCV user writes them, for
// bench/pipeline_bench.sh to time beside tessera (one task per process, so that /usr/bin/time
// sees its peak RSS).
//
//   opencv_pipeline vips-bench IN.tif OUT.tif   crop 100 px each side, 90% linear, sharpen, TIFF
//   opencv_pipeline thumbnail IN.jpg OUT.jpg    500 px wide, decoding at 1/8 where it can
//   opencv_pipeline seed IN.jpg OUT.jpg         gray | blur 5 | canny 50 150 | rgb, JPEG q90
//   opencv_pipeline seed-gray IN.jpg OUT.jpg    the same, decoding straight to gray (its fastest)

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <string>

namespace {

int fail(const char* what) {
  std::fprintf(stderr, "opencv_pipeline: %s\n", what);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return fail("usage: opencv_pipeline vips-bench|thumbnail|seed|seed-gray IN OUT");
  const std::string task = argv[1];
  const std::string in = argv[2];
  const std::string out = argv[3];
  if (task == "vips-bench") {
    const cv::Mat image = cv::imread(in, cv::IMREAD_COLOR);
    if (image.empty()) return fail("cannot read the input");
    const cv::Mat cropped = image(cv::Rect(100, 100, image.cols - 200, image.rows - 200));
    cv::Mat shrunk;
    cv::resize(cropped, shrunk, cv::Size(), 0.9, 0.9, cv::INTER_LINEAR);
    const cv::Mat kernel = (cv::Mat_<float>(3, 3) << -1, -1, -1, -1, 16, -1, -1, -1, -1) / 8.0f;
    cv::Mat sharp;
    cv::filter2D(shrunk, sharp, -1, kernel);
    // Uncompressed, as libvips and tessera write it in this task.
    return cv::imwrite(out, sharp, {cv::IMWRITE_TIFF_COMPRESSION, 1})
               ? 0
               : fail("cannot write the output");
  }
  if (task == "thumbnail") {
    // IMREAD_REDUCED_COLOR_8 is OpenCV's shrink-on-load (libjpeg's 1/8 DCT scaling).
    const cv::Mat small = cv::imread(in, cv::IMREAD_REDUCED_COLOR_8);
    if (small.empty()) return fail("cannot read the input");
    const int width = 500;
    const int height =
        static_cast<int>(small.rows * (static_cast<double>(width) / small.cols) + 0.5);
    cv::Mat thumb;
    cv::resize(small, thumb, cv::Size(width, height), 0, 0, cv::INTER_AREA);
    return cv::imwrite(out, thumb, {cv::IMWRITE_JPEG_QUALITY, 90})
               ? 0
               : fail("cannot write the output");
  }
  if (task == "seed" || task == "seed-gray") {
    cv::Mat gray;
    if (task == "seed-gray") {
      gray = cv::imread(in, cv::IMREAD_GRAYSCALE);
    } else {
      const cv::Mat image = cv::imread(in, cv::IMREAD_COLOR);
      if (!image.empty()) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
    }
    if (gray.empty()) return fail("cannot read the input");
    cv::Mat soft, edges, rgb;
    cv::GaussianBlur(gray, soft, cv::Size(5, 5), 0);
    cv::Canny(soft, edges, 50, 150);
    cv::cvtColor(edges, rgb, cv::COLOR_GRAY2BGR);
    return cv::imwrite(out, rgb, {cv::IMWRITE_JPEG_QUALITY, 90}) ? 0
                                                                 : fail("cannot write the output");
  }
  return fail("unknown task");
}
