// The rival side of bench/convert_rss.sh: OpenCV's imread then imwrite, one image, nothing
// else, so that /usr/bin/time measures what a user of OpenCV would pay for a conversion.
//
//   opencv_convert IN OUT

#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: opencv_convert IN OUT\n");
    return 2;
  }
  cv::setNumThreads(1);
  const cv::Mat image = cv::imread(argv[1], cv::IMREAD_UNCHANGED);
  if (image.empty()) return 1;
  return cv::imwrite(argv[2], image) ? 0 : 1;
}
