#pragma once
// One parameter of something a user configures by name: an op's argument (`blur ksize=5`) or
// an encoder's option (`quality`, `compression`). The op registry and the format table both
// declare their parameters so, and the CLI, `tessera ops`, `tessera info`, the help texts and
// the Python keyword arguments read them from there: no parameter is written twice.
//
//   ParamSpec{.name = "quality", .kind = ParamKind::Integer, .default_value = "90",
//             .min = 1, .max = 100, .doc = "lossy quality"}.allowed()  // "integer in 1..100"
//
// Each kind has one typed value (tessera/ops/param_value.h for the ops' kinds) and one text
// form; the op registry parses and checks both.

#include <string>
#include <string_view>

namespace tessera {

enum class ParamKind {
  Integer,    // whole number within [min, max]
  Number,     // real number within [min, max]
  Choice,     // one of the words in `choices`
  Flag,       // on or off ("true" or "false"); a command line's --name
  Rectangle,  // x,y,width,height in pixels (crop)
  Size,       // a percentage (50%), a factor (0.5) or pixels (800x600, 500x, x300) (resize)
  Kernel,     // rows of numbers separated by ';', odd sides within [min, max] (convolve)
  Colour,     // v, r,g,b (or r,g,b,a with `alpha`), each within [min, max] (flatten, pad)
  Sides,      // all, or top,right,bottom,left, each within [min, max] pixels (pad)
};

struct ParamSpec {
  std::string_view name;
  ParamKind kind = ParamKind::Number;
  std::string_view default_value;  // empty: the parameter is required
  double min = 0;
  double max = 0;
  bool odd = false;          // Integer, Kernel: must be odd
  std::string_view choices;  // Choice: "h|v|both"; Integer/Number: words accepted too
  std::string_view doc;
  bool alpha = false;  // Colour: r,g,b,a accepted too
  bool whole = false;  // Colour: whole numbers only

  // "odd integer in 1..255", "number in 0..10", "one of h|v|both", "true or false",
  // "a factor (50%, 0.5), a size (800x600), ..."; a Rectangle's, Kernel's, Colour's or
  // Sides' doc says its form.
  std::string allowed() const;

  // The checks of the scalar kinds, which the op registry and the format table both make (with
  // their own words around a refusal):
  // whether `word` is one of `choices` (a Choice's words, or the words an Integer or Number
  // takes besides numbers);
  bool is_choice(std::string_view word) const;
  // whether `value` is within [min, max], whole for an Integer, odd where `odd` says;
  bool allows_number(double value) const;
  // whether `text` is an allowed Integer, Number, Choice or Flag as written ("90", "deflate",
  // "true"); the compound kinds' text forms are the op registry's to read (false here).
  bool allows_text(std::string_view text) const;
};

}  // namespace tessera
