"""tessera.ops from the registry: one function per op with the registry's parameters, defaults
and docs; typed values bind as pipeline text does and fail in its words; results equal OpenCV's
(PyPI's cv2) where it has the op, and tessera.run's fused pipeline equals the calls one by one."""

import inspect

import cv2
import numpy as np
import pytest

import tessera


@pytest.fixture
def rgb(photo):
    return tessera.read(photo).region(0, 0, 801, 601).compact()  # odd sizes on purpose


def test_every_op_of_the_registry_is_a_function_with_its_parameters():
    catalog = tessera._tessera.op_catalog()
    assert len(catalog) >= 20
    for op in catalog:
        function = getattr(tessera.ops, op["name"])
        names = list(inspect.signature(function).parameters)
        assert names == ["image"] + [p["name"] for p in op["params"]], op["name"]
        assert op["doc"].rstrip(".") in function.__doc__
        for param in op["params"]:
            assert param["allowed"] in function.__doc__, (op["name"], param["name"])
        assert f"Samples: {op['samples']}" in function.__doc__, op["name"]


def test_docstrings_say_which_sample_types_each_op_takes_and_16_bit_runs(rgb):
    assert "Samples: u8 only" in tessera.ops.canny.__doc__
    assert "Samples: u8, u16, f32" in tessera.ops.blur.__doc__
    wide = (np.asarray(rgb).astype(np.uint16) * 257)
    soft = np.asarray(tessera.ops.blur(wide, 5))
    assert soft.dtype == np.uint16
    assert np.array_equal(soft, cv2.GaussianBlur(wide, (5, 5), 0))  # bit-identical on 16 bits
    with pytest.raises(tessera.InvalidArgument, match="equalize takes u8 only, got u16"):
        tessera.ops.equalize(wide)


def test_threshold_and_convolve_take_16_bit_and_float_with_8_bit_levels(rgb):
    assert "Samples: u8, u16, f32 (otsu: u8 and u16 only" in tessera.ops.threshold.__doc__
    assert "Samples: u8, u16, f32" in tessera.ops.convolve.__doc__
    gray16 = np.asarray(tessera.ops.gray(rgb)).astype(np.uint16) * 256 + 37
    # value and max in 8-bit levels: x257 on u16, /255 on f32
    assert np.array_equal(np.asarray(tessera.ops.threshold(gray16, 100.5, "tozero")),
                          cv2.threshold(gray16, 100.5 * 257, 255 * 257, cv2.THRESH_TOZERO)[1])
    gray32 = gray16.astype(np.float32) / 65535
    assert np.array_equal(np.asarray(tessera.ops.threshold(gray32, 90, "binary_inv", 200)),
                          cv2.threshold(gray32, 90 / 255, 200 / 255, cv2.THRESH_BINARY_INV)[1])
    assert np.array_equal(np.asarray(tessera.ops.threshold(gray16, "otsu")),
                          cv2.threshold(gray16, 0, 65535, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1])
    with pytest.raises(tessera.InvalidArgument, match=r"threshold takes u8, u16 \(otsu: u8 and "
                       r"u16 only, as in OpenCV\), got f32: put `depth u16` before it"):
        tessera.ops.threshold(gray32, "otsu")
    # offset in 8-bit levels too; u16 within a level of filter2D's float sums, f32 close
    kernel = [[-1, -1, -1], [-1, 16, -1], [-1, -1, -1]]
    weights = np.array(kernel, np.float32) / 8
    wide = np.asarray(rgb).astype(np.uint16) * 257
    ours = np.asarray(tessera.ops.convolve(wide, kernel, 8, 2)).astype(np.int64)
    theirs = cv2.filter2D(wide, -1, weights, delta=2 * 257, borderType=cv2.BORDER_REFLECT_101)
    assert np.abs(ours - theirs).max() <= 1
    floats = wide.astype(np.float32) / 65535
    ours = np.asarray(tessera.ops.convolve(floats, kernel, 8, 2))
    theirs = cv2.filter2D(floats, -1, weights, delta=2 / 255, borderType=cv2.BORDER_REFLECT_101)
    assert ours.dtype == np.float32 and np.abs(ours - theirs).max() <= 2e-6


def test_ops_are_also_under_their_cpp_names(rgb):
    assert tessera.ops.gaussian_blur is tessera.ops.blur
    assert tessera.ops.convert_depth is tessera.ops.depth
    assert tessera.ops.gaussian_blur(rgb, 5).shape == rgb.shape


def test_the_seed_ops_equal_opencv(rgb):
    a = np.asarray(rgb)
    gray = tessera.ops.gray(rgb)
    assert np.array_equal(np.asarray(gray), cv2.cvtColor(a, cv2.COLOR_RGB2GRAY))
    soft = tessera.ops.blur(gray, 5)
    assert np.array_equal(np.asarray(soft), cv2.GaussianBlur(np.asarray(gray), (5, 5), 0))
    edges = tessera.ops.canny(soft, 50, 150)
    assert np.array_equal(np.asarray(edges), cv2.Canny(np.asarray(soft), 50, 150))


def test_run_equals_the_ops_one_by_one(rgb):
    fused = tessera.run("gray | blur 5 | canny 50 150 | rgb", rgb)
    by_hand = tessera.ops.rgb(tessera.ops.canny(tessera.ops.blur(tessera.ops.gray(rgb), 5), 50, 150))
    assert fused.shape == (601, 801, 3)
    assert np.array_equal(np.asarray(fused), np.asarray(by_hand))


def test_typed_values_bind_as_pipeline_text(rgb):
    assert np.array_equal(np.asarray(tessera.ops.crop(rgb, (2, 3, 10, 8))),
                          np.asarray(tessera.run("crop 2,3,10,8", rgb)))
    assert np.array_equal(np.asarray(tessera.ops.resize(rgb, "50%")),
                          np.asarray(tessera.run("resize 50%", rgb)))
    assert tessera.ops.resize(rgb, (100, 50)).shape == (50, 100, 3)
    assert tessera.ops.resize(rgb, 0.25).shape == (150, 200, 3)
    kernel = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    assert np.array_equal(np.asarray(tessera.ops.convolve(rgb, kernel)),
                          np.asarray(tessera.run("convolve '0 -1 0; -1 5 -1; 0 -1 0'", rgb)))
    assert np.array_equal(np.asarray(tessera.ops.blur(rgb, ksize=5, sigma=1.5)),
                          np.asarray(tessera.ops.blur(rgb, 5, 1.5)))


@pytest.mark.parametrize("call, text", [
    (lambda img: tessera.ops.blur(img, 4), "blur 4"),
    (lambda img: tessera.ops.canny(tessera.ops.gray(img), 50, 20000), "gray | canny 50 20000"),
    (lambda img: tessera.ops.crop(img, (0, 0, 5000, 10)), "crop 0,0,5000,10"),
])
def test_bad_values_fail_in_the_words_of_pipeline_text(rgb, call, text):
    with pytest.raises(tessera.InvalidArgument) as typed:
        call(rgb)
    with pytest.raises(tessera.InvalidArgument) as parsed:
        tessera.run(text, rgb)
    assert typed.value.message.split(": ", 1)[-1] in parsed.value.message, (typed.value, parsed.value)


def test_wrong_calls_are_type_errors_or_named(rgb):
    with pytest.raises(TypeError):
        tessera.ops.blur(rgb, 5, 1.0, 7)
    with pytest.raises(TypeError):
        tessera.ops.blur(rgb, 5, ksize=5)
    with pytest.raises(TypeError, match="unexpected keyword argument 'size'; it takes ksize, sigma"):
        tessera.ops.blur(rgb, size=5)
    with pytest.raises(TypeError, match=r"blur\(\) needs an image"):
        tessera.ops.blur()
    with pytest.raises(TypeError, match="needs an image"):
        tessera.ops.blur(None, 5)
    with pytest.raises(tessera.InvalidArgument, match="parse|unknown|op"):
        tessera.run("blurr 5", rgb)


def test_ops_and_run_take_numpy_and_cv2_arrays_as_they_are(rgb):
    a = np.ascontiguousarray(np.asarray(rgb))
    assert np.array_equal(np.asarray(tessera.ops.gray(a)), np.asarray(tessera.ops.gray(rgb)))
    assert np.array_equal(np.asarray(tessera.run("blur 5", a)), np.asarray(tessera.ops.blur(rgb, 5)))
    # tessera.Image's refusal, with a hint that works here too (ops take no copy=).
    with pytest.raises(ValueError, match=r"np\.ascontiguousarray\(array\), or tessera\.Image"):
        tessera.ops.gray(a.transpose(1, 0, 2))
    transposed = tessera.ops.gray(np.ascontiguousarray(a.transpose(1, 0, 2)))
    assert (transposed.width, transposed.height) == (a.shape[0], a.shape[1])
    with pytest.raises(TypeError, match="tessera.Image or a numpy array.*list"):
        tessera.ops.gray([[1, 2], [3, 4]])


def test_missing_and_doubled_values_are_type_errors_as_for_python_functions(rgb):
    with pytest.raises(TypeError, match="canny\\(\\) needs a value for 'high'"):
        tessera.ops.canny(rgb, 50)
    with pytest.raises(TypeError, match="two values for 'ksize'"):
        tessera.ops.blur(rgb, 5, ksize=5)
    with pytest.raises(TypeError, match="takes 2 values after the image, 3 were given"):
        tessera.ops.blur(rgb, 5, 1.0, 7)


def test_an_op_function_is_a_routine_for_help_and_pickles_by_name():
    import pickle
    import pydoc

    assert inspect.isroutine(tessera.ops.canny)
    text = pydoc.render_doc(tessera.ops.canny, renderer=pydoc.plaintext)
    assert "canny(image, /, low: float, high: float, aperture: int = 3" in text
    assert "Canny edges" in text and "Parameters:" in text
    assert pickle.loads(pickle.dumps(tessera.ops.canny)) is tessera.ops.canny
