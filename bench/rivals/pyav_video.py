"""The PyAV side of bench/video_bench.sh: the loop PyAV users write around cv2's ops. PyAV
decodes each frame to a BGR array (its threads: AUTO, as its docs advise for speed), cv2 runs
the seed ops (gray, blur 5, Canny 50 150, back to BGR), and PyAV encodes the result.

    python3 pyav_video.py IN null                     decode and run the ops, write nothing
    python3 pyav_video.py IN OUT.mp4 [PRESET]         libx264 crf 23 at PRESET (default medium)
    python3 pyav_video.py IN OUT.mkv ffv1             the same frames losslessly (the reference)
"""

import sys

import av
import cv2


def seed_ops(bgr):
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 50, 150)
    return cv2.cvtColor(edges, cv2.COLOR_GRAY2BGR)


def main():
    source, destination = sys.argv[1], sys.argv[2]
    setting = sys.argv[3] if len(sys.argv) > 3 else "medium"
    with av.open(source) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        if destination == "null":
            for frame in container.decode(stream):
                seed_ops(frame.to_ndarray(format="bgr24"))
            return
        with av.open(destination, "w") as output:
            if setting == "ffv1":
                encoded = output.add_stream("ffv1", rate=stream.average_rate)
                encoded.pix_fmt = "bgr0"
            else:
                encoded = output.add_stream("libx264", rate=stream.average_rate,
                                            options={"crf": "23", "preset": setting})
                encoded.pix_fmt = "yuv420p"
            encoded.width, encoded.height = stream.width, stream.height
            for frame in container.decode(stream):
                result = av.VideoFrame.from_ndarray(seed_ops(frame.to_ndarray(format="bgr24")),
                                                    format="bgr24")
                output.mux(encoded.encode(result))
            output.mux(encoded.encode(None))


if __name__ == "__main__":
    main()
