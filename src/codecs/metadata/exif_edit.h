#pragma once
// EXIF blobs read and edited through libexif: a check of what a decoder found, the two edits a
// conversion needs (Orientation once the pixels are turned upright, the pixel dimensions once
// they are resized), and the blob as a list of tags and back, for a container that stores EXIF
// as its own tags (TIFF). Everything else in the blob goes through untouched.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tessera::codecs {

struct CheckedExif {
  std::vector<std::byte> exif;  // what to carry: a TIFF structure, no "Exif\0\0"; may be empty
  std::string problem;          // non-empty: why the blob was dropped or cut down (a warning)
};

// Reads `exif` (a TIFF structure, with or without a leading "Exif\0\0") with libexif. A blob
// that reads cleanly comes back byte for byte (maker notes and all); one with corrupt parts
// comes back as what libexif could read, written anew; one with nothing readable comes back
// empty. Never throws on hostile bytes.
CheckedExif checked_exif(std::span<const std::byte> exif);

// `exif` (as checked_exif gives it) with Orientation set to `orientation` where the blob has
// that tag (0: left alone), and PixelXDimension/PixelYDimension set to width x height where it
// has them. The same bytes when nothing changes; empty if libexif cannot read it.
std::vector<std::byte> edited_exif(std::span<const std::byte> exif, int orientation, int width,
                                   int height);

// The text tags of the blob's first directory (IFD0: Make, Model, DateTime, Artist, ...) as
// (tag, text) pairs: those a TIFF file holds as its own tags. Empty if libexif cannot read it.
struct ExifText {
  unsigned tag;
  std::string text;
};
std::vector<ExifText> exif_ifd0_texts(std::span<const std::byte> exif);

// One tag of an EXIF blob, in its directory, with its TIFF type (1 BYTE, 2 ASCII, 3 SHORT,
// 4 LONG, 5 RATIONAL, 6 SBYTE, 7 UNDEFINED, 8 SSHORT, 9 SLONG, 10 SRATIONAL) and its values:
// numbers for the numeric types (a rational as its quotient, which is what libtiff holds),
// bytes for BYTE, SBYTE, UNDEFINED and ASCII (the text with its NUL).
enum class ExifDirectory { Image, Exif, Gps };  // IFD0, the EXIF sub-IFD, the GPS sub-IFD
struct ExifField {
  ExifDirectory directory = ExifDirectory::Exif;
  unsigned tag = 0;
  unsigned type = 0;
  std::vector<double> numbers;
  std::vector<std::byte> bytes;
};

// The tags of the blob's IFD0, EXIF and GPS directories (pointers between directories, the
// interoperability directory and the thumbnail left out; FLOAT and DOUBLE tags too, which EXIF
// does not use). Empty if libexif cannot read it.
std::vector<ExifField> exif_fields(std::span<const std::byte> exif);

// A blob (a TIFF structure, no "Exif\0\0") holding `fields`, each rational written as the
// fraction with the smallest denominator that gives its quotient within a float's precision
// (1/125 for 0.008). Empty when no field can be written.
std::vector<std::byte> exif_from_fields(std::span<const ExifField> fields);

}  // namespace tessera::codecs
