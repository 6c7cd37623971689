"""Summarises async-profiler's collapsed stacks of the service (written by scripts/bench.sh profile).

For each <load>.collapsed (with its <load>.meta: chunks delivered, service CPU seconds) in the folder given, prints
Markdown: the service's CPU ranked by component with its CPU per 1,000 chunks, and the hottest frames; then replaces
the collapsed file with its hottest stacks only, about 60 KB (<load>.top.collapsed), so that the folder stays small.

A sample is charged to a component by its thread (GC, JIT compiler), else by a path it is on (the chat frame's
accept transaction, the checkpointer: all their JDBC work with them), else by the innermost frame on its stack that
belongs to a known component (a socket write under Netty counts as the WebSocket send, a futex under
LockSupport.park as waiting and waking), else by its thread's name.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

# (component, pattern on the thread name; Linux keeps 15 characters of it) — checked first
THREADS = [
    ("garbage collection (GC threads)", re.compile(r"GC Thread|G1 |VM Thread|Gang worker|GC Conc|Refine")),
    ("JIT compilation", re.compile(r"CompilerThre")),
]
# (component, pattern on any frame of the stack) — checked next: work done on behalf of one path
PATHS = [
    ("accepting questions (the chat frame's transaction)", re.compile(r"ChatSessions\.chat$|ConversationService\.")),
    ("checkpointer and database (JDBC, H2, PostgreSQL driver)", re.compile(r"Checkpointer")),
]
# (component, pattern on a frame) — the innermost matching frame decides
FRAMES = [
    ("garbage collection (allocation in Java threads)", re.compile(r"MemAllocator|CollectedHeap|G1[A-Z]|TLAB|OptoRuntime::new")),
    ("waiting and waking threads (park/unpark, futex, epoll)", re.compile(
        r"LockSupport\.(un)?park|Unsafe\.(un)?park|futex|ObjectMonitor|Object\.(wait|notify)|pthread_cond|epoll_wait|EPoll\.wait|Parker::")),
    ("frame encoding (FrameCodec, JsonText)", re.compile(r"FrameCodec|JsonText|ServerFrame")),
    ("checkpointer and database (JDBC, H2, PostgreSQL driver)", re.compile(
        r"Checkpointer|JdbcCompletionStore|org\.h2\.|io\.agroal|org\.postgresql|java\.sql")),
    ("completion run (monitor, text log, fan-out)", re.compile(r"CompletionRun|LocalLiveCompletions|Subscription")),
    ("WebSocket send and receive (Vert.x, Netty, WebSockets Next, Mutiny)", re.compile(
        r"io\.vertx|io\.netty|io\.quarkus\.websockets|io\.smallrye\.mutiny|ChatSession")),
    ("LangChain4j (SSE parsing, OpenAI JSON)", re.compile(r"dev\.langchain4j|com\.fasterxml\.jackson")),
    ("JDK HTTP client reading the model server", re.compile(r"jdk\.internal\.net\.http|java\.net\.http")),
    ("other service code (dev.mooring)", re.compile(r"dev\.mooring")),
]
# (component, pattern on the thread name) — when no frame told
THREAD_FALLBACK = [
    ("JDK HTTP client reading the model server", re.compile(r"HttpClient-")),
    ("WebSocket send and receive (Vert.x, Netty, WebSockets Next, Mutiny)", re.compile(r"vert\.x-eventloop")),
    ("checkpointer and database (JDBC, H2, PostgreSQL driver)", re.compile(r"mooring-checkpo")),
    ("model-call threads (one started per answer)", re.compile(r"\[Thread-\d+")),
]
OTHER = "other (JDK, JVM runtime, kernel below no known frame)"
# the hottest stacks kept per load, so that bench/profile stays small
KEEP_BYTES = 60_000


def frames_of(stack: str) -> list[str]:
    return [f.replace("/", ".") for f in stack.split(";")]


def component(frames: list[str]) -> str:
    thread = frames[0] if frames and frames[0].startswith("[") else ""
    for name, pattern in THREADS:
        if pattern.search(thread):
            return name
    for name, pattern in PATHS:
        if any(pattern.search(frame) for frame in frames):
            return name
    for frame in reversed(frames):
        for name, pattern in FRAMES:
            if pattern.search(frame):
                return name
    for name, pattern in THREAD_FALLBACK:
        if pattern.search(thread):
            return name
    return OTHER


def summarise(collapsed: Path) -> str:
    meta = dict(line.split("=", 1) for line in collapsed.with_suffix(".meta").read_text().split())
    chunks, cpu = int(meta["chunks"]), float(meta["cpuSeconds"])
    stacks: Counter[str] = Counter()
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    total = sum(stacks.values()) or 1
    by_component: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for stack, count in stacks.items():
        frames = frames_of(stack)
        by_component[component(frames)] += count
        self_time[frames[-1]] += count
        for frame in set(frames[1:]):
            if re.match(r"(dev\.mooring|dev\.langchain4j|io\.vertx|io\.quarkus|io\.netty|io\.smallrye)", frame):
                inclusive[frame] += count
    per_thousand = cpu * 1e6 / chunks if chunks else 0.0
    rate = "flat out" if meta["perSecond"] == "0" else f"{meta['perSecond']} chunks/s each"
    out = [
        f"### {meta['answers']} answers x {meta['chunksPerAnswer']} chunks, {rate}",
        "",
        f"{total:,} samples; the service used {cpu:.1f} CPU-seconds for {chunks:,} chunks: "
        f"**{per_thousand:.0f} ms of CPU per 1,000 chunks**.",
        "",
        "| rank | where the service's CPU goes | share | CPU per 1,000 chunks (ms) |",
        "| --- | --- | --- | --- |",
    ]
    for rank, (name, count) in enumerate(by_component.most_common(), 1):
        out.append(f"| {rank} | {name} | {100 * count / total:.1f} % | {per_thousand * count / total:.1f} |")
    out += ["", "Hottest frames, self time (the frame itself on CPU):", "", "| frame | self |", "| --- | --- |"]
    for frame, count in self_time.most_common(12):
        out.append(f"| `{frame[:110]}` | {100 * count / total:.1f} % |")
    out += ["", "Service and library frames by inclusive time (the frame and what it calls):", "",
            "| frame | inclusive |", "| --- | --- |"]
    for frame, count in inclusive.most_common(15):
        out.append(f"| `{frame[:110]}` | {100 * count / total:.1f} % |")
    keep, kept, size = [], 0, 0
    for stack, count in stacks.most_common():
        size += len(stack) + 8
        if size > KEEP_BYTES:
            break
        keep.append(f"{stack} {count}")
        kept += count
    collapsed.with_suffix(".top.collapsed").write_text("\n".join(keep) + "\n")
    collapsed.unlink()
    out += ["", f"The {len(keep)} hottest stacks ({100 * kept / total:.0f} % of the samples) are in "
            f"`bench/profile/{collapsed.with_suffix('.top.collapsed').name}`.", ""]
    return "\n".join(out)


def main() -> None:
    folder = Path(sys.argv[1])
    files = sorted(folder.glob("*.collapsed"), key=lambda p: p.name)
    files = [f for f in files if not f.name.endswith(".top.collapsed")]
    if not files:
        sys.exit(f"no collapsed stacks in {folder}")
    print("\n".join(summarise(f) for f in files))


if __name__ == "__main__":
    main()
