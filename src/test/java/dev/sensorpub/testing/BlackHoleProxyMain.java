package dev.sensorpub.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The black-hole proxy as a process, for scripts/demo.sh: forwards 127.0.0.1:&lt;printed port&gt; to
 * the broker and obeys one command per line on stdin: {@code hole} (packets vanish, nothing is
 * closed), {@code restore}, {@code quit}.
 */
public final class BlackHoleProxyMain {
    private BlackHoleProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BlackHoleProxyMain <broker-host> <broker-port>");
            System.exit(2);
        }
        try (BlackHoleProxy proxy = BlackHoleProxy.start(args[0], Integer.parseInt(args[1]));
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.out.println("port " + proxy.port());
            System.out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.trim()) {
                    case "hole" -> proxy.blackHole();
                    case "restore" -> proxy.restore();
                    case "quit" -> {
                        return;
                    }
                    default -> System.err.println("unknown command '" + line + "'");
                }
                System.out.println("ok " + line.trim());
                System.out.flush();
            }
        }
    }
}
