// The OpenCV C++ side of bench/video_bench.sh: the loop OpenCV users write, VideoCapture ->
// seed pipeline (cvtColor gray, GaussianBlur 5, Canny 50 150, back to BGR) -> VideoWriter, or
// no writer when OUT is "null".
//
//   opencv_video IN OUT|null [FOURCC]     # FOURCC: avc1 (default), FFV1, ...
#include <chrono>
#include <cstdio>
#include <string>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: opencv_video IN OUT|null [FOURCC]\n");
    return 2;
  }
  const std::string output = argv[2];
  const std::string fourcc = argc > 3 ? argv[3] : "avc1";
  const auto start = std::chrono::steady_clock::now();
  cv::VideoCapture capture(argv[1], cv::CAP_FFMPEG);
  if (!capture.isOpened()) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    return 1;
  }
  cv::VideoWriter writer;
  cv::Mat frame, gray, blurred, edges, colour;
  long frames = 0;
  while (capture.read(frame)) {
    cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
    cv::GaussianBlur(gray, blurred, cv::Size(5, 5), 0);
    cv::Canny(blurred, edges, 50, 150);
    cv::cvtColor(edges, colour, cv::COLOR_GRAY2BGR);
    if (output != "null") {
      if (!writer.isOpened()) {
        writer.open(output, cv::CAP_FFMPEG,
                    cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]),
                    capture.get(cv::CAP_PROP_FPS), colour.size());
        if (!writer.isOpened()) {
          std::fprintf(stderr, "cannot write %s\n", output.c_str());
          return 1;
        }
      }
      writer.write(colour);
    }
    ++frames;
  }
  writer.release();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("opencv: %ld frames in %.2f s (%.1f frames/s)\n", frames, seconds, frames / seconds);
  return frames > 0 ? 0 : 1;
}
