package dev.sensorpub.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Files in memory whose every write and fsync is recorded, in order, as a trace: the raw material
 * for the disk states a power cut could leave ({@link PowerCutStates}). What the files show is
 * what the page cache would show, so dropping a queue without closing it is a {@code kill -9}.
 */
final class SimulatedDisk {
    /** One recorded operation: a write of {@code bytes} at {@code offset}, or an fsync if bytes is null. */
    record Operation(String file, long offset, byte[] bytes) {
        boolean isForce() {
            return bytes == null;
        }
    }

    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, Integer> sizes = new HashMap<>();
    private final List<Operation> trace;

    /** An empty disk that records its trace. */
    SimulatedDisk() {
        this.trace = new ArrayList<>();
    }

    /** A disk holding {@code images} (file name to content) that records nothing. */
    SimulatedDisk(Map<String, byte[]> images) {
        this.trace = null;
        images.forEach((name, content) -> {
            files.put(name, Arrays.copyOf(content, Math.max(16, content.length)));
            sizes.put(name, content.length);
        });
    }

    List<Operation> trace() {
        return trace;
    }

    /** Operations recorded so far: a crash point is "after operation n - 1". */
    int operations() {
        return trace.size();
    }

    StorageOpener opener() {
        return new StorageOpener() {
            @Override
            public StorageFile open(Path path) {
                String name = path.getFileName().toString();
                files.putIfAbsent(name, new byte[16]);
                sizes.putIfAbsent(name, 0);
                return new File(name);
            }

            @Override
            public void createDirectories(Path directory) {
                // One flat directory.
            }

            @Override
            public boolean exists(Path path) {
                return files.containsKey(path.getFileName().toString());
            }

            @Override
            public void deleteCreated(Path path) {
                files.remove(path.getFileName().toString());
                sizes.remove(path.getFileName().toString());
            }

            @Override
            public void syncDirectory(Path directory) {
                // File creation is taken as durable: every state has both files.
            }
        };
    }

    private void write(String name, long offset, byte[] bytes) {
        int end = (int) offset + bytes.length;
        byte[] content = files.get(name);
        if (content.length < end) {
            content = Arrays.copyOf(content, Math.max(end, 2 * content.length));
            files.put(name, content);
        }
        System.arraycopy(bytes, 0, content, (int) offset, bytes.length);
        sizes.put(name, Math.max(sizes.get(name), end));
        if (trace != null) {
            trace.add(new Operation(name, offset, bytes));
        }
    }

    private final class File implements StorageFile {
        private final String name;

        File(String name) {
            this.name = name;
        }

        @Override
        public int read(ByteBuffer target, long position) {
            int size = sizes.get(name);
            if (position >= size) {
                return -1;
            }
            int length = (int) Math.min(target.remaining(), size - position);
            target.put(files.get(name), (int) position, length);
            return length;
        }

        @Override
        public int write(ByteBuffer source, long position) {
            byte[] bytes = new byte[source.remaining()];
            source.get(bytes);
            SimulatedDisk.this.write(name, position, bytes);
            return bytes.length;
        }

        @Override
        public void force() {
            if (trace != null) {
                trace.add(new Operation(name, 0, null));
            }
        }

        @Override
        public long size() {
            return sizes.get(name);
        }

        @Override
        public void allocate(long size) throws IOException {
            int from = sizes.get(name);
            if (from < size) {
                SimulatedDisk.this.write(name, from, new byte[(int) size - from]);
                force();
            }
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }
}
