/* libvips doing the pipeline benchmark's tasks the way its own benchmark (vips-bench) and
 * vipsthumbnail do them, for bench/pipeline_bench.sh to time beside tessera.
 *
 *   vips_pipeline vips-bench IN.tif OUT.tif   crop 100 px each side, 90% linear, sharpen, TIFF
 *   vips_pipeline seed IN.jpg OUT.jpg         gray, Gaussian blur, vips_canny (approximate), JPEG
 *   vips_pipeline seed-list LIST OUT_DIR      the seed task on every path in LIST (one per line),
 *                                             one after another, as bench/batch_bench.sh times it;
 *                                             libvips spreads each image over its own threads
 *
 * (The thumbnail task runs vipsthumbnail itself.) */

#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

static int fail(const char* what) {
  fprintf(stderr, "vips_pipeline: %s: %s\n", what, vips_error_buffer());
  return 1;
}

/* gray, blur, vips_canny, back to sRGB, JPEG Q 90: 0 on success. */
static int seed(VipsImage* in, const char* out) {
  VipsImage* t[5] = {NULL};
  const int status =
      vips_colourspace(in, &t[0], VIPS_INTERPRETATION_B_W, NULL) ||
      vips_gaussblur(t[0], &t[1], 1.1, NULL) || vips_canny(t[1], &t[2], "sigma", 1.0, NULL) ||
      vips_colourspace(t[2], &t[3], VIPS_INTERPRETATION_sRGB, NULL) ||
      vips_cast_uchar(t[3], &t[4], NULL) || vips_image_write_to_file(t[4], out, "Q", 90, NULL);
  for (int i = 0; i < 5; ++i) {
    if (t[i]) g_object_unref(t[i]);
  }
  return status;
}

/* The seed task on every path listed in LIST, written to OUT_DIR under the same file name. */
static int seed_list(const char* list, const char* out_dir) {
  FILE* paths = fopen(list, "r");
  if (!paths) return fail("cannot open the list");
  char path[4096];
  int failed = 0;
  while (fgets(path, sizeof path, paths)) {
    path[strcspn(path, "\n")] = 0;
    if (!*path) continue;
    const char* slash = strrchr(path, '/');
    char out[4200];
    snprintf(out, sizeof out, "%s/%s", out_dir, slash ? slash + 1 : path);
    VipsImage* in = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!in || seed(in, out)) ++failed;
    if (in) g_object_unref(in);
  }
  fclose(paths);
  return failed;
}

int main(int argc, char** argv) {
  if (VIPS_INIT(argv[0])) return fail("cannot start libvips");
  if (argc != 4) return fail("usage: vips_pipeline vips-bench|seed|seed-list IN OUT");
  if (strcmp(argv[1], "seed-list") == 0) {
    const int failed = seed_list(argv[2], argv[3]);
    vips_shutdown();
    return failed ? fail("some images failed") : 0;
  }
  VipsImage* in = vips_image_new_from_file(argv[2], "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  if (!in) return fail("cannot read the input");
  VipsImage* t[6] = {NULL};
  int status = 0;
  if (strcmp(argv[1], "vips-bench") == 0) {
    /* vips-bench's own task: crop, shrink by 10% bilinear, 3x3 sharpen, save. */
    VipsImage* mask = vips_image_new_matrixv(3, 3, -1.0, -1.0, -1.0, -1.0, 16.0, -1.0, -1.0,
                                             -1.0, -1.0);
    vips_image_set_double(mask, "scale", 8);
    status = vips_crop(in, &t[0], 100, 100, in->Xsize - 200, in->Ysize - 200, NULL) ||
             vips_resize(t[0], &t[1], 0.9, "kernel", VIPS_KERNEL_LINEAR, NULL) ||
             vips_conv(t[1], &t[2], mask, "precision", VIPS_PRECISION_INTEGER, NULL) ||
             vips_image_write_to_file(t[2], argv[3], NULL);
    g_object_unref(mask);
  } else if (strcmp(argv[1], "seed") == 0) {
    status = seed(in, argv[3]);
  } else {
    return fail("unknown task");
  }
  for (int i = 0; i < 6; ++i) {
    if (t[i]) g_object_unref(t[i]);
  }
  g_object_unref(in);
  vips_shutdown();
  return status ? fail("the task failed") : 0;
}
