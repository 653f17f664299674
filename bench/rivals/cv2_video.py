"""The cv2 side of bench/video_bench.sh: seed 001's VideoProcessor loop as its user wrote it
(VideoCapture, the seed ops, a VideoWriter with XVID, 30 frames and 30 results kept in deques,
gc.collect() every 10 frames), without its time.sleep(0.01) and its display. The PyPI wheel's
FFmpeg has no libx264 (avc1 fails to open), so its output is MPEG-4 Part 2, as the seed's was:
compare its rate, not its file.

    python3 cv2_video.py IN null          decode and run the ops, write nothing
    python3 cv2_video.py IN OUT.avi       write XVID
"""

import gc
import sys
from collections import deque

import cv2


def seed_ops(frame):
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    edges = cv2.Canny(blurred, 50, 150)
    return cv2.cvtColor(edges, cv2.COLOR_GRAY2BGR)


def main():
    source, destination = sys.argv[1], sys.argv[2]
    capture = cv2.VideoCapture(source)
    if not capture.isOpened():
        sys.exit(f"cv2_video: cannot open {source}")
    writer = None
    if destination != "null":
        fps = capture.get(cv2.CAP_PROP_FPS)
        size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
                int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        writer = cv2.VideoWriter(destination, cv2.VideoWriter_fourcc(*"XVID"), fps, size)
        if not writer.isOpened():
            sys.exit(f"cv2_video: cannot write {destination}")
    frame_buffer, processed_frames = deque(maxlen=30), deque(maxlen=30)
    frame_count = 0
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            processed = seed_ops(frame)
            frame_buffer.append(frame)
            processed_frames.append(processed)
            if writer is not None:
                writer.write(processed)
            frame_count += 1
            if frame_count % 10 == 0:
                gc.collect()
    finally:
        capture.release()
        if writer is not None:
            writer.release()


if __name__ == "__main__":
    main()
