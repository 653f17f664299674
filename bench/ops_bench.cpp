// Every op against its OpenCV equivalent, in the same run, on the same real photograph:
// 1920x1080 and 4000x3000, on one thread and on all cores. Prints each median and the
// tessera/OpenCV ratio (< 1 means tessera is faster). Target (ops issue): every ratio <= 1.0,
// and the seed pipeline `gray | blur 5 | canny 50 150 | rgb` >= 1.5x faster than OpenCV's calls.
// The ops that matter on 16-bit and float images (issue 21) also run on the same photo promoted
// to u16 and f32 (full scale to full scale, as `depth` does), OpenCV on CV_16U and CV_32F: those
// rows are named "op u16" and "op f32".
//
//   build/bench/ops_bench [PHOTO.jpg] [--benchmark_filter=...]
//
// The photo (default: libvips' ultra-hdr.jpg, 3840x2160, a real photograph) is resized to each
// size with OpenCV's INTER_AREA, so both sides get identical pixels. OpenCV works on BGR, tessera
// on RGB; for gray both use the same weights, so the work is the same.

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <tbb/global_control.h>

#include <filesystem>
#include <functional>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <thread>

#include "support/median_table.h"
#include "tessera/codec.h"
#include "tessera/ops.h"
#include "tessera/pipeline/stream.h"

namespace {

namespace ops = tessera::ops;

using tessera::SampleType;
constexpr SampleType kSampleTypes[] = {SampleType::U8, SampleType::U16, SampleType::F32};

// The photo at one size, in each sample type (indexed by SampleType).
struct Photo {
  std::string size_name;
  tessera::Image rgb[3], gray[3];
  cv::Mat rgb_mat[3], gray_mat[3];
};

std::vector<Photo>& photos() {
  static std::vector<Photo> instance;
  return instance;
}

cv::Mat as_mat(const tessera::Image& image) {
  const int depth = image.format().sample == SampleType::U8    ? CV_8U
                    : image.format().sample == SampleType::U16 ? CV_16U
                                                               : CV_32F;
  return cv::Mat(image.height(), image.width(), CV_MAKETYPE(depth, image.format().channels()),
                 image.data(), static_cast<std::size_t>(image.stride()));
}

const char* type_suffix(SampleType type) {
  return type == SampleType::U8 ? "" : type == SampleType::U16 ? " u16" : " f32";
}

struct OpPair {
  std::string name;
  bool on_gray;
  std::function<void(const tessera::Image&)> ours;
  std::function<void(const cv::Mat&)> theirs;
  std::vector<SampleType> types = {SampleType::U8};
};

// The types issue 21's benchmark rows cover.
const std::vector<SampleType> kEveryType = {SampleType::U8, SampleType::U16, SampleType::F32};

// OpenCV's four calls for the seed pipeline, against both of tessera's forms.
void opencv_seed_pipeline(const cv::Mat& s) {
  cv::Mat gray, soft, edges, out;
  cv::cvtColor(s, gray, cv::COLOR_RGB2GRAY);
  cv::GaussianBlur(gray, soft, {5, 5}, 0);
  cv::Canny(soft, edges, 50, 150);
  cv::cvtColor(edges, out, cv::COLOR_GRAY2RGB);
  benchmark::DoNotOptimize(out.data);
}

std::vector<OpPair> op_pairs() {
  return {
      {"gray", false, [](const auto& s) { benchmark::DoNotOptimize(ops::gray(s.view()).data()); },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::cvtColor(s, d, cv::COLOR_RGB2GRAY);
         benchmark::DoNotOptimize(d.data);
       }},
      {"blur 5", false,
       [](const auto& s) { benchmark::DoNotOptimize(ops::gaussian_blur(s.view(), 5).data()); },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::GaussianBlur(s, d, {5, 5}, 0);
         benchmark::DoNotOptimize(d.data);
       },
       kEveryType},
      {"box_blur 3", false,
       [](const auto& s) { benchmark::DoNotOptimize(ops::box_blur(s.view(), 3).data()); },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::blur(s, d, {3, 3});
         benchmark::DoNotOptimize(d.data);
       }},
      {"convolve 3x3", false,
       [](const auto& s) {
         benchmark::DoNotOptimize(
             ops::convolve(s.view(), {3, 3, {-1, -1, -1, -1, 16, -1, -1, -1, -1}}, 8).data());
       },
       [](const cv::Mat& s) {
         cv::Mat d;
         const cv::Mat k = (cv::Mat_<float>(3, 3) << -1, -1, -1, -1, 16, -1, -1, -1, -1) / 8;
         cv::filter2D(s, d, -1, k);
         benchmark::DoNotOptimize(d.data);
       }},
      {"median 3", true,
       [](const auto& s) { benchmark::DoNotOptimize(ops::median(s.view(), 3).data()); },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::medianBlur(s, d, 3);
         benchmark::DoNotOptimize(d.data);
       },
       kEveryType},
      {"median 5", true,
       [](const auto& s) { benchmark::DoNotOptimize(ops::median(s.view(), 5).data()); },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::medianBlur(s, d, 5);
         benchmark::DoNotOptimize(d.data);
       }},
      // OpenCV has no sharpen: its unsharp mask is a Gaussian blur and addWeighted.
      {"sharpen", false,
       [](const auto& s) { benchmark::DoNotOptimize(ops::sharpen(s.view(), 1, 1).data()); },
       [](const cv::Mat& s) {
         cv::Mat soft, d;
         cv::GaussianBlur(s, soft, {0, 0}, 1);
         cv::addWeighted(s, 2, soft, -1, 0, d);
         benchmark::DoNotOptimize(d.data);
       },
       kEveryType},
      {"sobel 1 0", true,
       [](const auto& s) { benchmark::DoNotOptimize(ops::sobel(s.view(), 1, 0).data()); },
       [](const cv::Mat& s) {  // u8: to CV_16S and convertScaleAbs; u16, f32: to CV_32F and abs
         cv::Mat g, d;
         if (s.depth() == CV_8U) {
           cv::Sobel(s, g, CV_16S, 1, 0, 3);
           cv::convertScaleAbs(g, d);
         } else {
           cv::Sobel(s, g, CV_32F, 1, 0, 3);
           cv::Mat(cv::abs(g)).convertTo(d, s.depth());
         }
         benchmark::DoNotOptimize(d.data);
       },
       kEveryType},
      {"canny 50 150", true,
       [](const auto& s) { benchmark::DoNotOptimize(ops::canny(s.view(), 50, 150).data()); },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::Canny(s, d, 50, 150);
         benchmark::DoNotOptimize(d.data);
       }},
      {"erode 3", false,
       [](const auto& s) { benchmark::DoNotOptimize(ops::erode(s.view(), 3, 3).data()); },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::erode(s, d, cv::Mat::ones(3, 3, CV_8U));
         benchmark::DoNotOptimize(d.data);
       }},
      {"threshold otsu", true,
       [](const auto& s) {
         benchmark::DoNotOptimize(
             ops::threshold(s.view(), {.method = ops::ThresholdMethod::Otsu}).data());
       },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::threshold(s, d, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
         benchmark::DoNotOptimize(d.data);
       }},
      {"equalize", true,
       [](const auto& s) { benchmark::DoNotOptimize(ops::equalize(s.view()).data()); },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::equalizeHist(s, d);
         benchmark::DoNotOptimize(d.data);
       }},
      {"contrast", false,
       [](const auto& s) { benchmark::DoNotOptimize(ops::contrast(s.view(), 1.2, 10).data()); },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::convertScaleAbs(s, d, 1.2, 10);
         benchmark::DoNotOptimize(d.data);
       }},
      {"flip h", false,
       [](const auto& s) {
         benchmark::DoNotOptimize(ops::flip(s.view(), ops::FlipAxis::Horizontal).data());
       },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::flip(s, d, 1);
         benchmark::DoNotOptimize(d.data);
       }},
      {"rotate 90", false,
       [](const auto& s) { benchmark::DoNotOptimize(ops::rotate(s.view(), 90).data()); },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::rotate(s, d, cv::ROTATE_90_CLOCKWISE);
         benchmark::DoNotOptimize(d.data);
       }},
      {"rotate 30", false,
       [](const auto& s) {
         benchmark::DoNotOptimize(ops::rotate(s.view(), 30, {.expand = false}).data());
       },
       [](const cv::Mat& s) {
         cv::Mat d;
         const auto m = cv::getRotationMatrix2D({(s.cols - 1) / 2.0f, (s.rows - 1) / 2.0f}, -30, 1);
         cv::warpAffine(s, d, m, s.size());
         benchmark::DoNotOptimize(d.data);
       },
       kEveryType},
      {"resize 50% linear", false,
       [](const auto& s) {
         benchmark::DoNotOptimize(
             ops::resize(s.view(), {.scale = 0.5}, ops::ResizeKernel::Linear).data());
       },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::resize(s, d, {s.cols / 2, s.rows / 2}, 0, 0, cv::INTER_LINEAR);
         benchmark::DoNotOptimize(d.data);
       },
       kEveryType},
      {"resize 50% area", false,
       [](const auto& s) {
         benchmark::DoNotOptimize(
             ops::resize(s.view(), {.scale = 0.5}, ops::ResizeKernel::Area).data());
       },
       [](const cv::Mat& s) {
         cv::Mat d;
         cv::resize(s, d, {s.cols / 2, s.rows / 2}, 0, 0, cv::INTER_AREA);
         benchmark::DoNotOptimize(d.data);
       },
       kEveryType},
      {"resize 50% lanczos", false,
       [](const auto& s) {
         benchmark::DoNotOptimize(
             ops::resize(s.view(), {.scale = 0.5}, ops::ResizeKernel::Lanczos3).data());
       },
       [](const cv::Mat& s) {  // OpenCV's Lanczos4 does not antialias: the nearest it has
         cv::Mat d;
         cv::resize(s, d, {s.cols / 2, s.rows / 2}, 0, 0, cv::INTER_LANCZOS4);
         benchmark::DoNotOptimize(d.data);
       },
       kEveryType},
      {"seed pipeline", false,
       [](const auto& s) {
         const auto gray = ops::gray(s.view());
         const auto soft = ops::gaussian_blur(gray.view(), 5);
         const auto edges = ops::canny(soft.view(), 50, 150);
         benchmark::DoNotOptimize(ops::rgb(edges.view()).data());
       },
       opencv_seed_pipeline},
      // The same as one call: the pipeline executor streaming the image through the stages.
      // The image is in memory, so there is no decoding or encoding to overlap: the rows are
      // read and written on the calling thread.
      {"seed pipeline streamed", false,
       [](const auto& s) {
         static const auto stages = tessera::pipeline::parse("gray | blur 5 | canny 50 150 | rgb");
         tessera::pipeline::ImageSource source(s.view());
         tessera::pipeline::ImageSink sink;
         tessera::pipeline::run_streaming(stages, source, sink,
                                          {.io = tessera::pipeline::IoThreads::Caller});
         benchmark::DoNotOptimize(sink.image().data());
       },
       opencv_seed_pipeline},
  };
}

std::string bench_name(const std::string& side, const std::string& op, const Photo& photo,
                       int threads) {
  return fmt::format("{}/{}/{}/{}t", side, op, photo.size_name, threads);
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path file =
      std::filesystem::path(TESSERA_CORPORA) / "vips/test/test-suite/images/ultra-hdr.jpg";
  if (argc > 1 && argv[1][0] != '-') {
    file = argv[1];
    --argc;
    ++argv;
  }
  const tessera::Image original = tessera::read(file);
  fmt::print("photo: {} ({}x{})\n", file.string(), original.width(), original.height());
  for (const auto& [name, width, height] :
       {std::tuple{"1920x1080", 1920, 1080}, {"4000x3000", 4000, 3000}}) {
    Photo photo;
    photo.size_name = name;
    tessera::Image rgb = tessera::Image::create(width, height, tessera::PixelFormat::rgb8());
    cv::resize(as_mat(original), as_mat(rgb), {width, height}, 0, 0, cv::INTER_AREA);
    for (const SampleType type : kSampleTypes) {
      const int index = static_cast<int>(type);
      photo.rgb[index] = ops::convert_depth(rgb.view(), type);
      photo.gray[index] = ops::gray(photo.rgb[index].view());
      photo.rgb_mat[index] = as_mat(photo.rgb[index]);
      photo.gray_mat[index] = as_mat(photo.gray[index]);
    }
    photos().push_back(std::move(photo));
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const auto pairs = op_pairs();
  for (const auto& pair : pairs) {
    for (const SampleType type : pair.types) {
      const int index = static_cast<int>(type);
      const std::string name = pair.name + type_suffix(type);
      for (const Photo& photo : photos()) {
        for (int threads : {1, cores}) {
          const tessera::Image& ours_input = pair.on_gray ? photo.gray[index] : photo.rgb[index];
          const cv::Mat& theirs_input = pair.on_gray ? photo.gray_mat[index] : photo.rgb_mat[index];
          benchmark::RegisterBenchmark(bench_name("tessera", name, photo, threads).c_str(),
                                       [&pair, &ours_input, threads](benchmark::State& state) {
                                         tbb::global_control limit(
                                             tbb::global_control::max_allowed_parallelism, threads);
                                         for (auto _ : state) pair.ours(ours_input);
                                       })
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime();
          benchmark::RegisterBenchmark(bench_name("opencv", name, photo, threads).c_str(),
                                       [&pair, &theirs_input, threads](benchmark::State& state) {
                                         cv::setNumThreads(threads);
                                         for (auto _ : state) pair.theirs(theirs_input);
                                       })
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime();
        }
      }
    }
  }
  // Medians in the benchmarks' unit (milliseconds).
  const auto medians = tessera::bench::run_with_medians(argc, argv, 5);
  fmt::print(
      "\n| op | size | threads | tessera ms | OpenCV ms | ratio |\n|---|---|---|---|---|---|\n");
  for (const auto& pair : pairs) {
    for (const SampleType type : pair.types) {
      const std::string name = pair.name + type_suffix(type);
      for (const Photo& photo : photos()) {
        for (int threads : {1, cores}) {
          const auto ours = medians.find(bench_name("tessera", name, photo, threads));
          const auto theirs = medians.find(bench_name("opencv", name, photo, threads));
          if (ours == medians.end() || theirs == medians.end()) continue;
          fmt::print("| {} | {} | {} | {:.2f} | {:.2f} | {:.2f} |\n", name, photo.size_name,
                     threads, ours->second, theirs->second, ours->second / theirs->second);
        }
      }
    }
  }
  return 0;
}
