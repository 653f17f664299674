// Arguments bound from pipeline tokens and from typed values by name (as Python's keyword
// arguments will bind them) are the same arguments, and bad ones fail with the same words, for
// every op in the registry and every parameter kind.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tessera/error.h"
#include "tessera/ops.h"

namespace tessera {
namespace {

using ops::Colour;
using ops::Kernel;
using ops::NamedValue;
using ops::Padding;
using ops::Size;

// The same arguments twice: as pipeline tokens and as typed values by name.
struct Both {
  std::vector<std::string> tokens;
  std::vector<NamedValue> typed;
};

// For every op, its defaults (where it has no required parameter) and non-default values of
// each of its parameters' kinds, written both ways by hand.
const std::multimap<std::string_view, Both>& cases() {
  static const std::multimap<std::string_view, Both> all = {
      {"gray", {{}, {}}},
      {"rgb", {{}, {}}},
      {"rgba", {{}, {}}},
      {"strip_alpha", {{}, {}}},
      {"swap_rb", {{}, {}}},
      {"depth", {{"u16"}, {{"depth", "u16"}}}},
      {"flatten", {{}, {}}},
      {"flatten", {{"0,128,128"}, {{"background", Colour{{0, 128, 128}}}}}},
      {"flatten", {{"7"}, {{"background", Colour{{7}}}}}},
      {"contrast", {{}, {}}},
      {"contrast", {{"1.5", "beta=-20.25"}, {{"beta", -20.25}, {"alpha", 1.5}}}},
      {"gamma", {{"0.45"}, {{"gamma", 0.45}}}},
      {"invert", {{}, {}}},
      {"equalize", {{}, {}}},
      {"threshold", {{}, {}}},
      {"threshold", {{"otsu", "type=trunc"}, {{"value", "otsu"}, {"type", "trunc"}}}},
      {"threshold", {{"100.5", "max=200"}, {{"value", 100.5}, {"max", 200.0}}}},
      {"blur", {{}, {}}},
      {"blur", {{"7", "sigma=2.5"}, {{"ksize", 7}, {"sigma", 2.5}}}},
      {"box_blur", {{"9"}, {{"ksize", 9}}}},
      {"sharpen", {{"1.5", "2", "3"}, {{"sigma", 1.5}, {"amount", 2.0}, {"threshold", 3}}}},
      {"convolve",
       {{"1 2 1; 2 4 2; 1 2 1", "divisor=16"},
        {{"kernel", Kernel{3, 3, {1, 2, 1, 2, 4, 2, 1, 2, 1}}}, {"divisor", 16.0}}}},
      {"convolve",
       {{"0.5 -0.25 0.125", "offset=3"},
        {{"kernel", Kernel{3, 1, {0.5, -0.25, 0.125}}}, {"offset", 3.0}}}},
      {"median", {{"5"}, {{"ksize", 5}}}},
      {"erode", {{"5", "3"}, {{"width", 5}, {"height", 3}}}},
      {"dilate", {{"height=7"}, {{"height", 7}}}},
      {"sobel", {{"0", "2", "ksize=5"}, {{"dx", 0}, {"dy", 2}, {"ksize", 5}}}},
      {"canny",
       {{"50", "150", "aperture=5", "norm=l2"},
        {{"low", 50.0}, {"high", 150.0}, {"aperture", 5}, {"norm", "l2"}}}},
      {"crop", {{"2,3,10,8"}, {{"rect", Rect{2, 3, 10, 8}}}}},
      {"flip", {{}, {}}},
      {"flip", {{"both"}, {{"axis", "both"}}}},
      {"rotate", {{"30"}, {{"angle", 30.0}}}},
      {"rotate",
       {{"-12.5", "background=10,20,30", "expand=no"},
        {{"angle", -12.5}, {"background", Colour{{10, 20, 30}}}, {"expand", "no"}}}},
      {"resize", {{"50%"}, {{"size", Size::percent(50)}}}},
      {"resize", {{"0.25", "kernel=area"}, {{"size", Size::factor(0.25)}, {"kernel", "area"}}}},
      {"resize", {{"500x"}, {{"size", Size::pixels(500, 0)}}}},
      {"resize", {{"x300", "cubic"}, {{"size", Size::pixels(0, 300)}, {"kernel", "cubic"}}}},
      {"resize", {{"640x480", "fit=cover"}, {{"size", Size::pixels(640, 480)}, {"fit", "cover"}}}},
      {"pad", {{"5"}, {{"sides", Padding{5, 5, 5, 5}}}}},
      {"pad",
       {{"2,4,6,8", "background=1,2,3,4"},
        {{"sides", Padding{2, 4, 6, 8}}, {"background", Colour{{1, 2, 3, 4}}}}}},
  };
  return all;
}

// The message of the Error binding throws, or "(accepted)".
template <typename Values>
std::string bind_error(const ops::OpDescriptor& op, const Values& values) {
  try {
    ops::bind_arguments(op, std::span(values));
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument) << error.message();
    return error.message();
  }
  return "(accepted)";
}

TEST(TypedArguments, tokens_and_typed_values_bind_to_equal_arguments_for_every_op) {
  std::set<std::string_view> covered;
  std::set<ParamKind> kinds_changed;
  for (const auto& [name, both] : cases()) {
    SCOPED_TRACE(fmt::format("{} {}", name, fmt::join(both.tokens, " ")));
    const auto& op = ops::find_op(name);
    const auto from_text = ops::bind_arguments(op, std::span(both.tokens));
    const auto from_values = ops::bind_arguments(op, std::span(both.typed));
    EXPECT_EQ(from_text, from_values) << from_text.describe() << " vs " << from_values.describe();
    EXPECT_EQ(from_text.describe(), from_values.describe());
    covered.insert(name);
    for (const auto& given : both.typed) {
      for (const auto& param : op.params) {
        if (param.name == given.name) kinds_changed.insert(param.kind);
      }
    }
  }
  for (const auto& op : ops::all_ops()) EXPECT_TRUE(covered.count(op.name)) << op.name;
  for (ParamKind kind :
       {ParamKind::Integer, ParamKind::Number, ParamKind::Choice, ParamKind::Rectangle,
        ParamKind::Size, ParamKind::Kernel, ParamKind::Colour, ParamKind::Sides}) {
    EXPECT_TRUE(kinds_changed.count(kind)) << "no case gives a kind " << static_cast<int>(kind);
  }
}

TEST(TypedArguments, the_typed_accessors_give_the_values_bound) {
  const auto& crop = ops::find_op("crop");
  EXPECT_EQ(ops::bind_arguments(crop, {{"rect", Rect{2, 3, 10, 8}}}).rectangle("rect"),
            (Rect{2, 3, 10, 8}));
  const auto& resize = ops::find_op("resize");
  const auto half = ops::bind_arguments(resize, std::vector<std::string>{"50%"});
  EXPECT_EQ(half.size("size"), Size::percent(50));
  EXPECT_EQ(half.size("size").target().scale, 0.5);
  EXPECT_EQ(half.choice("kernel"), "lanczos3");
  const auto& convolve = ops::find_op("convolve");
  const auto kernel = ops::bind_arguments(convolve, std::vector<std::string>{"1,2,1;2,4,2;1,2,1"});
  EXPECT_EQ(kernel.kernel("kernel"), (Kernel{3, 3, {1, 2, 1, 2, 4, 2, 1, 2, 1}}));
  EXPECT_EQ(kernel.text("kernel"), "1 2 1; 2 4 2; 1 2 1");
  const auto& pad = ops::find_op("pad");
  const auto padded = ops::bind_arguments(pad, std::vector<std::string>{"1,2,3,4", "9"});
  EXPECT_EQ(padded.sides("sides"), (Padding{1, 2, 3, 4}));
  EXPECT_EQ(padded.colour("background"), (Colour{{9}}));
  const auto& blur = ops::find_op("blur");
  const auto soft = ops::bind_arguments(blur, {{"ksize", 7}});
  EXPECT_EQ(soft.integer("ksize"), 7);
  EXPECT_EQ(soft.number("sigma"), 0);
  // Asking for a kind the parameter is not is a programming error, not a user's.
  try {
    (void)soft.rectangle("ksize");
    FAIL() << "a number read as a rectangle";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Internal);
  }
}

TEST(TypedArguments, values_of_another_type_bind_as_their_text) {
  // Python passes "50%", 2 for a number or 5.0 for an integer: each binds as its text would.
  const auto& resize = ops::find_op("resize");
  EXPECT_EQ(ops::bind_arguments(resize, {{"size", "50%"}}),
            ops::bind_arguments(resize, {{"size", Size::percent(50)}}));
  const auto& contrast = ops::find_op("contrast");
  EXPECT_EQ(ops::bind_arguments(contrast, {{"alpha", 2}}),
            ops::bind_arguments(contrast, {{"alpha", 2.0}}));
  const auto& blur = ops::find_op("blur");
  EXPECT_EQ(ops::bind_arguments(blur, {{"ksize", 7.0}}), ops::bind_arguments(blur, {{"ksize", 7}}));
  const auto& convolve = ops::find_op("convolve");
  EXPECT_EQ(
      ops::bind_arguments(convolve, {{"kernel", "0 1 0; 1 -4 1; 0 1 0"}}),
      ops::bind_arguments(convolve, {{"kernel", Kernel{3, 3, {0, 1, 0, 1, -4, 1, 0, 1, 0}}}}));
}

// A value just outside `param`'s range or form, written both ways by hand.
Both bad_value(const ParamSpec& param) {
  const std::string name(param.name);
  switch (param.kind) {
    case ParamKind::Integer:
      return {{fmt::format("{}={}", name, param.max + 1)},
              {{name, static_cast<long>(param.max) + 1}}};
    case ParamKind::Number:
      return {{fmt::format("{}={}", name, param.max + 0.5)}, {{name, param.max + 0.5}}};
    case ParamKind::Choice:
      return {{name + "=nope"}, {{name, "nope"}}};
    case ParamKind::Flag:
      return {{name + "=maybe"}, {{name, "maybe"}}};
    case ParamKind::Rectangle:  // any four whole numbers are a rectangle: a number is not
      return {{name + "=5"}, {{name, 5.0}}};
    case ParamKind::Size:
      return {{name + "=0%"}, {{name, Size::percent(0)}}};
    case ParamKind::Kernel:
      return {{name + "=1 1; 1 1"}, {{name, Kernel{2, 2, {1, 1, 1, 1}}}}};
    case ParamKind::Colour:
      return {{name + "=1,2"}, {{name, Colour{{1, 2}}}}};
    case ParamKind::Sides:
      return {{name + "=-1,0,0,0"}, {{name, Padding{-1, 0, 0, 0}}}};
  }
  return {};
}

TEST(TypedArguments, a_bad_value_fails_with_the_same_words_both_ways_for_every_op) {
  // Values for the required parameters, so that only the bad one fails.
  const std::map<std::string_view, Both> required = {
      {"depth", {{"depth=u8"}, {{"depth", "u8"}}}},
      {"convolve", {{"kernel=1"}, {{"kernel", Kernel{1, 1, {1}}}}}},
      {"canny", {{"low=50", "high=150"}, {{"low", 50.0}, {"high", 150.0}}}},
      {"crop", {{"rect=0,0,4,4"}, {{"rect", Rect{0, 0, 4, 4}}}}},
      {"rotate", {{"angle=30"}, {{"angle", 30.0}}}},
      {"resize", {{"size=50%"}, {{"size", Size::percent(50)}}}},
      {"pad", {{"sides=1"}, {{"sides", Padding{1, 1, 1, 1}}}}},
  };
  std::size_t failures = 0, expected = 0;
  for (const auto& op : ops::all_ops()) {
    expected += std::max<std::size_t>(op.params.size(), 1);
    // An op without parameters: a name it does not take.
    std::vector<Both> bad;
    if (op.params.empty()) bad.push_back({{"radius=1"}, {{"radius", 1}}});
    for (const auto& param : op.params) bad.push_back(bad_value(param));
    for (Both& both : bad) {
      SCOPED_TRACE(fmt::format("{} {}", op.name, fmt::join(both.tokens, " ")));
      if (const auto it = required.find(op.name); it != required.end()) {
        // The bad value replaces the required one of the same name.
        for (std::size_t i = 0; i < it->second.tokens.size(); ++i) {
          const std::string& token = it->second.tokens[i];
          if (token.substr(0, token.find('=')) == both.typed.front().name) continue;
          both.tokens.push_back(token);
          both.typed.push_back(it->second.typed[i]);
        }
      }
      const std::string from_text = bind_error(op, both.tokens);
      EXPECT_NE(from_text, "(accepted)");
      EXPECT_EQ(from_text, bind_error(op, both.typed));
      EXPECT_TRUE(from_text.starts_with(fmt::format("{}: ", op.name))) << from_text;
      ++failures;
    }
  }
  EXPECT_EQ(failures, expected);
  EXPECT_GT(failures, 40u);
}

TEST(TypedArguments, refusals_keep_the_words_each_kind_always_used) {
  const auto words = [](std::string_view op, std::vector<NamedValue> typed,
                        std::vector<std::string> tokens) {
    const std::string from_text = bind_error(ops::find_op(op), tokens);
    EXPECT_EQ(bind_error(ops::find_op(op), typed), from_text);
    return from_text;
  };
  EXPECT_EQ(words("blur", {{"ksize", 4}}, {"4"}),
            "blur: ksize 4 is not allowed: odd integer in 1..255, or 0 with a sigma");
  EXPECT_EQ(words("canny", {{"low", 150.0}, {"high", 50.0}}, {"150", "50"}),
            "canny: low 150 is above high 50: low must be <= high (e.g. canny 50 150)");
  EXPECT_EQ(words("crop", {{"rect", 5}}, {"5"}),
            "crop: rect '5' is not allowed: x,y,width,height in pixels, e.g. 100,100,800,600");
  EXPECT_EQ(words("resize", {{"size", Size::pixels(10, -3)}}, {"10x-3"}),
            "resize: size '10x-3' is not allowed: a factor (50%, 0.5), a size (800x600), a width "
            "(500x) or a height (x300)");
  EXPECT_EQ(words("convolve", {{"kernel", Kernel{2, 1, {1, 1}}}}, {"1 1"}),
            "convolve: kernel 2x1 is not allowed: odd sizes 1..15 on each side");
  EXPECT_EQ(
      words("flatten", {{"background", Colour{{256}}}}, {"256"}),
      "flatten: background '256' is not allowed: colour under the image: v or r,g,b (0..255)");
  EXPECT_EQ(words("rotate", {{"angle", 30.0}, {"background", Colour{{1, 2}}}}, {"30", "1,2"}),
            "rotate: background '1,2' is not allowed: colour of new pixels: v, r,g,b or r,g,b,a "
            "(0..255)");
  EXPECT_EQ(words("pad", {{"sides", Padding{0, 100001, 0, 0}}}, {"0,100001,0,0"}),
            "pad: sides '0,100001,0,0' is not allowed: 0..100000 pixels");
  EXPECT_EQ(words("blur", {{"ksize", 5}, {"ksize", 7}}, {"ksize=5", "ksize=7"}),
            "blur: ksize is given twice");
  EXPECT_EQ(words("canny", {{"high", 150.0}}, {"high=150"}),
            "canny: low is required: number in 0..10000");
  // Only the text path has these: a kernel's rows and a value that is no number at all.
  EXPECT_EQ(bind_error(ops::find_op("convolve"), std::vector<std::string>{"1 2 1; 1"}),
            "convolve: kernel '1 2 1; 1' has rows of different lengths");
  EXPECT_EQ(bind_error(ops::find_op("convolve"), std::vector<NamedValue>{{"kernel", "1 2 1; 1"}}),
            "convolve: kernel '1 2 1; 1' has rows of different lengths");
}

TEST(TypedArguments, the_typed_functions_check_a_kernel_as_the_binders_do) {
  const Image image = Image::create(8, 8, PixelFormat::gray8());
  try {
    ops::convolve(image.view(), Kernel{3, 3, {1, 2, 3}});
    FAIL() << "a 3x3 kernel of 3 values was taken";
  } catch (const Error& error) {
    EXPECT_EQ(error.message(), "convolve: kernel has 3 values, 3x3 needs 9");
    EXPECT_EQ(error.message(),
              bind_error(ops::find_op("convolve"),
                         std::vector<NamedValue>{{"kernel", Kernel{3, 3, {1, 2, 3}}}}));
  }
}

TEST(TypedArguments, a_kernel_of_nan_or_infinity_is_refused_not_read_as_numbers) {
  // strtod reads "nan" and "inf": a kernel of them would blank the image or overflow it.
  for (const char* text : {"nan 0 0; 0 1 0; 0 0 0", "1 inf 1", "-infinity", "NAN"}) {
    EXPECT_EQ(bind_error(ops::find_op("convolve"), std::vector<std::string>{text}),
              fmt::format("convolve: kernel '{}' is not allowed: {}", text,
                          ops::find_op("convolve").params[0].allowed()));
  }
}

}  // namespace
}  // namespace tessera
