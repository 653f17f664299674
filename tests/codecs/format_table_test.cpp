// The format table (issue 15, item 1): every format is named, sniffed and written through its
// entry, and every encode option it declares is set by name, checked with its ParamSpec's
// words, and reaches the encoder (the file changes when the option does).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/formats.h"

namespace tessera {
namespace {

using testing::corpora;
using testing::pattern;
using testing::smooth_rgb;

std::string contents(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), {}};
}

std::optional<FileFormat> sniffed(const std::filesystem::path& path) {
  const std::string head = contents(path).substr(0, 16);
  return sniff_format(reinterpret_cast<const std::byte*>(head.data()), head.size());
}

// A value the option allows other than its default: the low end of a range (the high end if
// the default is there), another choice, a flag turned on.
std::string other_value(const ParamSpec& param) {
  switch (param.kind) {
    case ParamKind::Integer:
    case ParamKind::Number: {
      const std::string low = fmt::format("{}", param.min);
      return low != param.default_value ? low : fmt::format("{}", param.max);
    }
    case ParamKind::Choice: {
      std::string_view choices = param.choices;
      while (true) {
        const std::size_t bar = choices.find('|');
        if (choices.substr(0, bar) != param.default_value) {
          return std::string(choices.substr(0, bar));
        }
        choices.remove_prefix(bar + 1);
      }
    }
    case ParamKind::Flag:
      return param.default_value == "true" ? "false" : "true";
    case ParamKind::Rectangle:
    case ParamKind::Size:
    case ParamKind::Kernel:
    case ParamKind::Colour:
    case ParamKind::Sides:
      break;
  }
  ADD_FAILURE() << param.name << " is of an op's kind, which no encode option should be";
  return std::string(param.default_value);
}

class FormatTable : public testing::ScratchFolderTest {};

TEST_F(FormatTable, lists_every_file_format_once_under_its_own_name) {
  std::set<FileFormat> listed;
  std::set<std::string_view> names;
  for (const FormatDescription& format : all_formats()) {
    EXPECT_TRUE(listed.insert(format.format).second) << format.name;
    EXPECT_TRUE(names.insert(format.name).second) << format.name;
    EXPECT_EQ(to_string(format.format), format.name);
    EXPECT_EQ(&describe_format(format.format), &format);
    EXPECT_FALSE(format.title.empty());
    EXPECT_FALSE(format.extensions.empty()) << format.name;
    EXPECT_EQ(format.written, format.write_instead.empty()) << format.name;
  }
  for (int value = 0; value <= static_cast<int>(FileFormat::Pnm); ++value) {
    EXPECT_TRUE(listed.contains(static_cast<FileFormat>(value))) << value;
  }
}

TEST_F(FormatTable, every_written_format_is_chosen_by_each_of_its_extensions_and_sniffed_back) {
  const Image image = pattern(37, 23, PixelFormat::rgb8());
  for (const FormatDescription& format : all_formats()) {
    if (!format.written) continue;
    for (const std::string_view extension : format.extensions) {
      std::string upper(extension);
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      EXPECT_EQ(format_for_extension("x" + upper), format.format) << upper;
      const auto path = file(fmt::format("image{}", extension));
      write(image, path);
      EXPECT_EQ(sniffed(path), format.format) << path;
      const ImageInfo info = probe(path);
      EXPECT_EQ(info.format, format.format) << path;
      EXPECT_EQ(info.width, 37);
      EXPECT_EQ(info.height, 23);
    }
  }
}

TEST_F(FormatTable, a_read_only_format_is_sniffed_and_its_extension_refused_with_what_to_write) {
  TESSERA_REQUIRE_CORPORA();
  EXPECT_EQ(sniffed(corpora() / "vips/test/test-suite/images/dispose-background.gif"),
            FileFormat::Gif);
  for (const FormatDescription& format : all_formats()) {
    if (format.written) continue;
    try {
      (void)format_for_extension(fmt::format("out{}", format.extensions.front()));
      ADD_FAILURE() << format.name << " is written";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::UnsupportedFormat);
      EXPECT_NE(error.message().find(format.write_instead), std::string::npos) << error.what();
    }
  }
}

TEST_F(FormatTable, an_unknown_extension_is_refused_naming_every_written_extension) {
  try {
    (void)format_for_extension("out.xyz");
    ADD_FAILURE() << ".xyz is written";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::UnsupportedFormat);
    for (const FormatDescription& format : all_formats()) {
      for (const std::string_view extension : format.extensions) {
        EXPECT_EQ(error.message().find(fmt::format("{},", extension)) != std::string::npos ||
                      error.message().find(fmt::format("{} ", extension)) != std::string::npos ||
                      error.message().ends_with(extension),
                  format.written)
            << extension << ": " << error.message();
      }
    }
  }
}

TEST_F(FormatTable, encode_options_default_as_their_specs_say_and_read_back_what_is_set) {
  const EncodeOptions defaults;
  ASSERT_FALSE(all_encode_options().empty());
  for (const EncodeOptionSpec& option : all_encode_options()) {
    const ParamSpec& param = option.param;
    EXPECT_EQ(encode_option_value(defaults, param.name), param.default_value) << param.name;
    EncodeOptions options;
    const std::string value = other_value(param);
    set_encode_option(options, param.name, value);
    EXPECT_EQ(encode_option_value(options, param.name), value) << param.name;
    set_encode_option(options, param.name, param.default_value);
    EXPECT_EQ(encode_option_value(options, param.name), param.default_value) << param.name;
  }
}

TEST_F(FormatTable, a_bad_encode_value_fails_in_its_specs_words) {
  const auto message = [](std::string_view name, std::string_view value) {
    EncodeOptions options;
    try {
      set_encode_option(options, name, value);
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
      return error.message();
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("quality", "101"), "quality 101 is not allowed: integer in 1..100");
  EXPECT_EQ(message("quality", "50.5"), "quality 50.5 is not allowed: integer in 1..100");
  EXPECT_EQ(message("compression", "x"), "compression x is not allowed: integer in 0..9");
  EXPECT_EQ(message("subsampling", "411"), "subsampling 411 is not allowed: one of 444|422|420");
  EXPECT_EQ(message("tiled", "yes"), "tiled yes is not allowed: true or false");
  EXPECT_EQ(message("sharpness", "1")
                .rfind("unknown encode option 'sharpness'; the options are: "
                       "quality, progressive, subsampling",
                       0),
            0u);
}

TEST_F(FormatTable, quality_is_read_by_tiff_only_with_jpeg_compression) {
  EncodeOptions options;
  EXPECT_TRUE(uses_encode_option(FileFormat::Jpeg, "quality", options));
  EXPECT_FALSE(uses_encode_option(FileFormat::Png, "quality", options));
  EXPECT_FALSE(uses_encode_option(FileFormat::Tiff, "quality", options));
  set_encode_option(options, "tiff_compression", "jpeg");
  EXPECT_TRUE(uses_encode_option(FileFormat::Tiff, "quality", options));
  EXPECT_EQ(formats_reading("quality"), "JPEG, lossy WebP, HEIC/AVIF and JPEG-in-TIFF");
  EXPECT_EQ(formats_reading("tiled"), "TIFF");
}

// Every option every format declares changes what that format writes: it reaches the encoder.
TEST_F(FormatTable, every_encode_option_of_every_format_reaches_its_encoder) {
  const Image photo = smooth_rgb(96, 64);
  int checked = 0;
  for (const FormatDescription& format : all_formats()) {
    for (const EncodeOptionSpec& option : format.encode_options) {
      EncodeOptions plain;
      if (!option.only_with.empty()) {  // the other option it needs, in both files
        const std::size_t equals = option.only_with.find('=');
        set_encode_option(plain, option.only_with.substr(0, equals),
                          option.only_with.substr(equals + 1));
      }
      EncodeOptions varied = plain;
      set_encode_option(varied, option.param.name, other_value(option.param));
      ASSERT_TRUE(uses_encode_option(format.format, option.param.name, varied));
      const auto extension = format.extensions.front();
      const auto before = file(fmt::format("plain{}", extension));
      const auto after = file(fmt::format("{}{}", option.param.name, extension));
      write(photo, before, plain);
      write(photo, after, varied);
      EXPECT_NE(contents(before), contents(after))
          << format.name << " " << option.param.name << "=" << other_value(option.param)
          << " wrote the same file";
      ++checked;
    }
  }
  EXPECT_GE(checked, 9);  // 3 JPEG, 1 PNG, 2 WebP, 1 HEIF, 3 TIFF and growing
}

}  // namespace
}  // namespace tessera
