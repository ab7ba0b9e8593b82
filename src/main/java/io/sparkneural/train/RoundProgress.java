package io.sparkneural.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Live progress of an epoch's averaging rounds, from the workers to the driver.
 *
 * <p>Why a socket of our own: an epoch is one Spark job, and Spark tells the driver about a task only when it ends
 * (accumulators arrive with the task's result; heartbeats every 10 s). Worker 0 sends one short line per round to
 * this server on the driver, so a progress bar moves while the epoch runs. Progress is best effort: a worker that
 * cannot reach the driver stops sending, and the driver reports the rounds it missed when the epoch's job ends.
 */
final class RoundProgress implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoundProgress.class);
    private ServerSocket server;
    private final Object lock = new Object();
    private int epoch;
    private int reported;
    private EpochEngine.RoundListener listener;

    /**
     * Listens on {@code host}; where it cannot (no such address, no port), workers are given no address and every
     * round is reported when its epoch's job ends.
     */
    RoundProgress(String host) {
        ServerSocket listening = null;
        try {
            listening = new ServerSocket();
            listening.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 16);
            Thread accept = new Thread(this::serve, "spark-neural-round-progress");
            accept.setDaemon(true);
            server = listening;
            accept.start();
        } catch (IOException | RuntimeException e) {
            closeQuietly(listening);
            LOG.info("no live round progress ({}); rounds are reported when each epoch ends", e.toString());
        }
    }

    /** Where workers send: host:port of this driver; null when nothing listens. */
    Address address() {
        return server == null ? null : new Address(server.getInetAddress().getHostAddress(), server.getLocalPort());
    }

    /** Rounds of {@code epoch} go to {@code listener} from now on. */
    void startEpoch(int epoch, EpochEngine.RoundListener listener) {
        synchronized (lock) {
            this.epoch = epoch;
            this.reported = 0;
            this.listener = listener;
        }
    }

    /** After the epoch's job: the rounds no worker reported. */
    void finishEpoch(int rounds) {
        synchronized (lock) {
            for (int r = reported + 1; r <= rounds; r++) listener.onRoundEnd(r, rounds);
            reported = rounds;
            listener = null;
        }
    }

    private void report(int epoch, int round, int rounds) {
        synchronized (lock) {
            if (listener == null || epoch != this.epoch) return; // a late line of an epoch already finished
            for (int r = reported + 1; r <= Math.min(round, rounds); r++) listener.onRoundEnd(r, rounds);
            reported = Math.max(reported, Math.min(round, rounds));
        }
    }

    private void serve() {
        ServerSocket server = this.server;
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread reader = new Thread(() -> read(s), "spark-neural-round-progress-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    private void read(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                StandardCharsets.US_ASCII))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(" ");
                if (f.length == 3) report(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]));
            }
        } catch (IOException | RuntimeException e) {
            // a worker gone, a stray connection or a listener's failure: progress is best effort
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            if (socket != null) socket.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }

    /** The driver's progress address, shipped to the workers. */
    record Address(String host, int port) implements Serializable {}

    /** A worker's side: sends "epoch round rounds" lines; gives up for good on the first failure. */
    static final class Sender implements AutoCloseable {
        private static final int CONNECT_TIMEOUT_MS = 300;
        private final Address address;
        private Socket socket;
        private OutputStream out;
        private boolean failed;

        Sender(Address address) {
            this.address = address;
        }

        void roundEnd(int epoch, int round, int rounds) {
            if (failed || address == null) return;
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.connect(new InetSocketAddress(address.host(), address.port()), CONNECT_TIMEOUT_MS);
                    socket.setTcpNoDelay(true);
                    out = socket.getOutputStream();
                }
                out.write((epoch + " " + round + " " + rounds + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                failed = true;
                close();
            }
        }

        @Override
        public void close() {
            try {
                if (socket != null) socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
            socket = null;
        }
    }
}
