// Codec speed against OpenCV, in the same run, on the same files: decode and encode of JPEG,
// PNG, WebP, TIFF (LZW, OpenCV's default), BMP and PPM, and JPEG shrink-on-load. Prints each median
// and the tessera/OpenCV ratio (< 1 means tessera is faster). Targets from the codecs issue: JPEG
// decode ratio <= 1.05, and a 1/8 shrink-on-load at least 4x faster than a full decode.
//
//   build/bench/codec_bench [PHOTO.jpg]    # default: libvips' ultra-hdr.jpg, 3840x2160
//
// Both sides decode to 8-bit colour (OpenCV: BGR, tessera: RGB; the byte order costs neither),
// apply EXIF orientation, and run on one thread, except tessera's PNG encoder, which deflates on
// every core (png_encode; png_encode_one_core holds it to one). JPEG encodes at quality 90 with
// 4:2:0; PNG at zlib level 6 with the default filter strategy (OpenCV's default is level 1 with
// RLE, which would compare different work); WebP lossy at quality 90.

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <tbb/global_control.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <utility>

#include "support/median_table.h"
#include "tessera/codec.h"

namespace {

namespace fs = std::filesystem;

struct Inputs {
  fs::path jpeg;  // the photograph as given
  fs::path png;   // the same pixels as PNG, written by tessera
  fs::path webp;  // the same pixels as lossy WebP (quality 90), written by tessera
  fs::path tiff;  // the same pixels as LZW TIFF in strips, written by tessera
  fs::path bmp;   // ... as 24-bit BMP
  fs::path ppm;   // ... as binary PPM
  fs::path output_folder;
  tessera::Image pixels;
  cv::Mat mat;  // the same pixels as OpenCV holds them
};

Inputs& inputs() {
  static Inputs instance;
  return instance;
}

void tessera_jpeg_decode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tessera::read(inputs().jpeg).data());
}
void opencv_jpeg_decode(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(cv::imread(inputs().jpeg.string(), cv::IMREAD_COLOR).data);
}
void tessera_jpeg_decode_eighth(benchmark::State& state) {
  const int width = inputs().pixels.width() / 8;
  for (auto _ : state) {
    benchmark::DoNotOptimize(tessera::read(inputs().jpeg, {.min_width = width}).data());
  }
}
void opencv_jpeg_decode_eighth(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(cv::imread(inputs().jpeg.string(), cv::IMREAD_REDUCED_COLOR_8).data);
  }
}
void tessera_jpeg_encode(benchmark::State& state) {
  const fs::path out = inputs().output_folder / "tessera.jpg";
  for (auto _ : state) tessera::write(inputs().pixels, out, {.quality = 90});
}
void opencv_jpeg_encode(benchmark::State& state) {
  const std::string out = (inputs().output_folder / "opencv.jpg").string();
  for (auto _ : state) cv::imwrite(out, inputs().mat, {cv::IMWRITE_JPEG_QUALITY, 90});
}
void tessera_png_decode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tessera::read(inputs().png).data());
}
void opencv_png_decode(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(cv::imread(inputs().png.string(), cv::IMREAD_UNCHANGED).data);
}
void tessera_png_encode(benchmark::State& state) {
  const fs::path out = inputs().output_folder / "tessera.png";
  for (auto _ : state) tessera::write(inputs().pixels, out, {.png_compression = 6});
}
// PNG deflates bands on every core: the same work held to one.
void tessera_png_encode_one_core(benchmark::State& state) {
  const tbb::global_control one_core(tbb::global_control::max_allowed_parallelism, 1);
  const fs::path out = inputs().output_folder / "tessera-one-core.png";
  for (auto _ : state) tessera::write(inputs().pixels, out, {.png_compression = 6});
}
void opencv_png_encode(benchmark::State& state) {
  const std::string out = (inputs().output_folder / "opencv.png").string();
  for (auto _ : state) {
    cv::imwrite(out, inputs().mat,
                {cv::IMWRITE_PNG_COMPRESSION, 6, cv::IMWRITE_PNG_STRATEGY,
                 cv::IMWRITE_PNG_STRATEGY_DEFAULT});
  }
}

void tessera_webp_decode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tessera::read(inputs().webp).data());
}
void opencv_webp_decode(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(cv::imread(inputs().webp.string(), cv::IMREAD_UNCHANGED).data);
}
void tessera_webp_encode(benchmark::State& state) {
  const fs::path out = inputs().output_folder / "tessera.webp";
  for (auto _ : state) tessera::write(inputs().pixels, out, {.quality = 90});
}
void opencv_webp_encode(benchmark::State& state) {
  const std::string out = (inputs().output_folder / "opencv.webp").string();
  for (auto _ : state) cv::imwrite(out, inputs().mat, {cv::IMWRITE_WEBP_QUALITY, 90});
}

void tessera_tiff_decode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tessera::read(inputs().tiff).data());
}
void opencv_tiff_decode(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(cv::imread(inputs().tiff.string(), cv::IMREAD_UNCHANGED).data);
}
void tessera_tiff_encode(benchmark::State& state) {
  const fs::path out = inputs().output_folder / "tessera.tif";
  for (auto _ : state)
    tessera::write(inputs().pixels, out, {.tiff_compression = tessera::TiffCompression::Lzw});
}
void opencv_tiff_encode(benchmark::State& state) {
  const std::string out = (inputs().output_folder / "opencv.tif").string();
  // OpenCV's default TIFF compression is LZW; tessera is asked for the same.
  for (auto _ : state) cv::imwrite(out, inputs().mat);
}

void tessera_bmp_decode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tessera::read(inputs().bmp).data());
}
void opencv_bmp_decode(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(cv::imread(inputs().bmp.string(), cv::IMREAD_UNCHANGED).data);
}
void tessera_bmp_encode(benchmark::State& state) {
  const fs::path out = inputs().output_folder / "tessera.bmp";
  for (auto _ : state) tessera::write(inputs().pixels, out);
}
void opencv_bmp_encode(benchmark::State& state) {
  const std::string out = (inputs().output_folder / "opencv.bmp").string();
  for (auto _ : state) cv::imwrite(out, inputs().mat);
}
void tessera_ppm_decode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tessera::read(inputs().ppm).data());
}
void opencv_ppm_decode(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(cv::imread(inputs().ppm.string(), cv::IMREAD_UNCHANGED).data);
}
void tessera_ppm_encode(benchmark::State& state) {
  const fs::path out = inputs().output_folder / "tessera.ppm";
  for (auto _ : state) tessera::write(inputs().pixels, out);
}
void opencv_ppm_encode(benchmark::State& state) {
  const std::string out = (inputs().output_folder / "opencv.ppm").string();
  for (auto _ : state) cv::imwrite(out, inputs().mat);
}

BENCHMARK(tessera_jpeg_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_jpeg_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_jpeg_decode_eighth)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_jpeg_decode_eighth)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_jpeg_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_jpeg_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_png_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_png_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_png_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_png_encode_one_core)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_png_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_webp_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_webp_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_webp_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_webp_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_tiff_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_tiff_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_tiff_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_tiff_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_bmp_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_bmp_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_bmp_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_bmp_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_ppm_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_ppm_decode)->Unit(benchmark::kMillisecond);
BENCHMARK(tessera_ppm_encode)->Unit(benchmark::kMillisecond);
BENCHMARK(opencv_ppm_encode)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  cv::setNumThreads(1);
  Inputs& in = inputs();
  in.jpeg = argc > 1 && argv[1][0] != '-'
                ? fs::path(argv[1])
                : fs::path(TESSERA_CORPORA) / "vips/test/test-suite/images/ultra-hdr.jpg";
  if (argc > 1 && argv[1][0] != '-') {
    --argc;
    ++argv;
  }
  in.output_folder = fs::temp_directory_path() / fmt::format("tessera-codec-bench-{}", ::getpid());
  fs::create_directories(in.output_folder);
  in.pixels = tessera::read(in.jpeg);
  in.png = in.output_folder / "photo.png";
  tessera::write(in.pixels, in.png);
  in.webp = in.output_folder / "photo.webp";
  tessera::write(in.pixels, in.webp, {.quality = 90});
  in.tiff = in.output_folder / "photo.tif";
  tessera::write(in.pixels, in.tiff, {.tiff_compression = tessera::TiffCompression::Lzw});
  in.bmp = in.output_folder / "photo.bmp";
  tessera::write(in.pixels, in.bmp);
  in.ppm = in.output_folder / "photo.ppm";
  tessera::write(in.pixels, in.ppm);
  in.mat = cv::imread(in.jpeg.string(), cv::IMREAD_COLOR);
  fmt::print("photo: {} ({}x{}), PNG of the same pixels: {} KiB\n", in.jpeg.string(),
             in.pixels.width(), in.pixels.height(), fs::file_size(in.png) / 1024);

  const auto medians = tessera::bench::run_with_medians(argc, argv, 5);

  fmt::print("\n{:<22}{:>12}{:>12}{:>10}\n", "median (ms)", "tessera", "OpenCV", "ratio");
  // Each row: tessera's benchmark against OpenCV's (which runs on one thread throughout).
  const std::pair<const char*, const char*> rows[] = {
      {"jpeg_decode", "jpeg_decode"}, {"jpeg_decode_eighth", "jpeg_decode_eighth"},
      {"jpeg_encode", "jpeg_encode"}, {"png_decode", "png_decode"},
      {"png_encode", "png_encode"},   {"png_encode_one_core", "png_encode"},
      {"webp_decode", "webp_decode"}, {"webp_encode", "webp_encode"},
      {"tiff_decode", "tiff_decode"}, {"tiff_encode", "tiff_encode"},
      {"bmp_decode", "bmp_decode"},   {"bmp_encode", "bmp_encode"},
      {"ppm_decode", "ppm_decode"},   {"ppm_encode", "ppm_encode"}};
  for (const auto& [work, rival] : rows) {
    const auto ours = medians.find(fmt::format("tessera_{}", work));
    const auto theirs = medians.find(fmt::format("opencv_{}", rival));
    if (ours == medians.end() || theirs == medians.end()) continue;
    fmt::print("{:<22}{:>12.2f}{:>12.2f}{:>10.3f}\n", work, ours->second, theirs->second,
               ours->second / theirs->second);
  }
  fmt::print("(HEIF/AVIF and GIF: OpenCV 4.6 reads neither, so they have no rival here)\n");
  if (medians.contains("tessera_jpeg_decode") && medians.contains("tessera_jpeg_decode_eighth")) {
    fmt::print("shrink-on-load 1/8 is {:.1f}x faster than tessera's full decode (target >= 4)\n",
               medians.at("tessera_jpeg_decode") / medians.at("tessera_jpeg_decode_eighth"));
  }
  fmt::print(
      "output sizes: JPEG q90 tessera {} KiB / OpenCV {} KiB, PNG level 6 tessera {} KiB / OpenCV "
      "{} KiB\n",
      fs::exists(in.output_folder / "tessera.jpg")
          ? fs::file_size(in.output_folder / "tessera.jpg") / 1024
          : 0,
      fs::exists(in.output_folder / "opencv.jpg")
          ? fs::file_size(in.output_folder / "opencv.jpg") / 1024
          : 0,
      fs::exists(in.output_folder / "tessera.png")
          ? fs::file_size(in.output_folder / "tessera.png") / 1024
          : 0,
      fs::exists(in.output_folder / "opencv.png")
          ? fs::file_size(in.output_folder / "opencv.png") / 1024
          : 0);
  fs::remove_all(in.output_folder);
  return 0;
}
