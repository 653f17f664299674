// The OpenCV C++ side of bench/batch_bench.sh: the batch issue's seed job written the way an
// OpenCV user writes it in C++. THREADS workers each take the next path from the list, one
// image at a time: imread straight to gray (OpenCV's fastest way in), GaussianBlur 5x5, Canny
// 50 150, back to 3 channels, imwrite JPEG q90 into OUT_DIR under the input's file name.
//
//   opencv_batch THREADS OUT_DIR LIST     LIST holds one input path per line

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: opencv_batch THREADS OUT_DIR LIST\n");
    return 2;
  }
  const int threads = std::stoi(argv[1]);
  const std::filesystem::path out_dir = argv[2];
  std::vector<std::string> paths;
  std::ifstream list(argv[3]);
  for (std::string line; std::getline(list, line);) {
    if (!line.empty()) paths.push_back(line);
  }
  std::atomic<size_t> next{0};
  std::atomic<int> failed{0};
  const auto worker = [&] {
    for (size_t i = next++; i < paths.size(); i = next++) {
      const cv::Mat gray = cv::imread(paths[i], cv::IMREAD_GRAYSCALE);
      if (gray.empty()) {
        ++failed;
        continue;
      }
      cv::Mat soft, edges, rgb;
      cv::GaussianBlur(gray, soft, cv::Size(5, 5), 0);
      cv::Canny(soft, edges, 50, 150);
      cv::cvtColor(edges, rgb, cv::COLOR_GRAY2BGR);
      const auto out = out_dir / std::filesystem::path(paths[i]).filename();
      if (!cv::imwrite(out.string(), rgb, {cv::IMWRITE_JPEG_QUALITY, 90})) ++failed;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& thread : pool) thread.join();
  if (failed > 0) std::fprintf(stderr, "opencv_batch: %d images failed\n", failed.load());
  return failed > 0 ? 1 : 0;
}
