package io.sparkneural.train;

import io.sparkneural.train.AveragingRounds.RoundState;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The averaging rounds' exchange: every worker sends its parameters and optimizer state to this server on the
 * driver after each round, and gets back their average.
 *
 * <p>Why not {@code BarrierTaskContext.allGather} alone, as before: each exchange there cost about 4.5 ms of a
 * round on the seed MLP (2 workers, averaging every 20: 150-250 ms of a 0.7-0.9 s epoch), its messages are strings
 * (the state copied into a string and out again on both sides), and every worker decoded and averaged every other
 * worker's state itself. Here the bytes go over one TCP connection per worker, the driver averages once, in
 * partition order with {@link RoundState#average} (the same floats the allGather path computes), and each worker
 * reads the one result. The barrier job still launches the workers together and fails together; a worker that
 * drops its connection before its last round breaks the round for the others, whose task then fails as a barrier
 * task does, and the epoch runs again from its starting state (see AveragingRounds#runEpoch). A worker that fails
 * says why first, and the others' errors carry its reason: Spark reports whichever barrier task failed first, which
 * is often a worker that was only waiting for the round.
 *
 * <p>Where the driver cannot listen, or any worker cannot connect, the epoch falls back to {@code allGather}
 * (decided by all workers together at the start of each epoch task). A random token, shipped to the workers with
 * the task, keeps other connections out of the rounds.
 *
 * <p>A worker in the driver's own JVM (Spark's local mode, where notebooks and single-machine jobs run) skips the
 * socket: it finds the exchange by its token and hands its state's arrays to the round directly; the last worker to
 * arrive averages them, with the same sums in the same order, into arrays every such worker then reads. Why: over
 * loopback each round copied the state about eight times per worker (buffers, decoding, encoding, the kernel's
 * socket copies) and woke a driver thread per worker; on the seed MLP (2 workers, 47 rounds an epoch) the workers
 * spent 65-195 ms of a 0.4-0.55 s epoch in the exchange.
 */
final class RoundExchange implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoundExchange.class);
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    /** How often a worker waiting for the average looks whether Spark killed its task. */
    private static final int KILL_CHECK_MS = 1_000;
    private static final int BUFFER = 1 << 16;
    /** In place of a round number (worker to driver) or an average's length (driver to worker): a failure's text. */
    private static final int FAILED = -1;
    private static final int MAX_REASON = 2_000;

    /** The exchanges of this JVM that take in-process workers, by token. */
    private static final Map<Long, RoundExchange> IN_THIS_JVM = new ConcurrentHashMap<>();
    /**
     * {@code -Dio.sparkneural.roundexchange.inprocess=false} on the driver makes local-mode workers use the socket
     * too (for comparison; tests run both).
     */
    static final String IN_PROCESS_PROPERTY = "io.sparkneural.roundexchange.inprocess";

    private final ServerSocket server;
    private final long token;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<Socket> connections = new ArrayList<>();

    /** Listens on {@code host}; where it cannot, {@link #address()} is null and the workers use allGather. */
    RoundExchange(String host) {
        this(host, Boolean.parseBoolean(System.getProperty(IN_PROCESS_PROPERTY, "true")));
    }

    /** @param inProcess whether workers in this JVM hand their states over in memory rather than by socket */
    RoundExchange(String host, boolean inProcess) {
        ServerSocket listening = null;
        try {
            listening = new ServerSocket();
            listening.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 64);
            ServerSocket bound = listening;
            Thread accept = new Thread(() -> serve(bound), "spark-neural-round-exchange");
            accept.setDaemon(true);
            accept.start();
        } catch (IOException | RuntimeException e) {
            closeQuietly(listening);
            listening = null;
            LOG.info("averaging through allGather: no exchange server on the driver ({})", e.toString());
        }
        this.server = listening;
        this.token = new SecureRandom().nextLong();
        if (inProcess && listening != null) IN_THIS_JVM.put(token, this);
    }

    /**
     * {@code -Dio.sparkneural.roundexchange=false} on the driver sends every round through allGather, as before
     * this exchange (for comparison, or where the executors cannot open connections to the driver).
     */
    static final String PROPERTY = "io.sparkneural.roundexchange";

    /** Where workers connect; null when nothing listens or the exchange is turned off. */
    Address address() {
        return server == null || !Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) ? null : new Address(server.getInetAddress().getHostAddress(), server.getLocalPort(), token);
    }

    /**
     * Breaks and forgets the sessions of earlier job attempts; called before an epoch's job runs, when none runs.
     *
     * <p>Why: a session goes when all its workers' connections have ended, but a failed attempt whose other worker
     * never connected (its task failed before, or never started) leaves its session behind, holding the round's
     * states and the encoded average: two to three copies of the parameters for every failed attempt.
     */
    void endAttempts() {
        for (Session s : sessions.values()) s.breakRounds("the job attempt ended");
        sessions.clear();
    }

    /** How many job attempts' sessions are open (tests). */
    int openSessions() {
        return sessions.size();
    }

    @Override
    public void close() {
        IN_THIS_JVM.remove(token, this);
        closeQuietly(server);
        synchronized (connections) {
            for (Socket s : connections) closeQuietly(s);
            connections.clear();
        }
        endAttempts();
    }

    private void serve(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket s = listening.accept();
                synchronized (connections) {
                    connections.add(s);
                }
                Thread handler = new Thread(() -> handle(s), "spark-neural-round-exchange-worker");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    /** One worker's connection: a hello, then one state per round, each answered with the round's average. */
    private void handle(Socket socket) {
        Session session = null;
        int partition = -1;
        int sent = 0;
        int rounds = 0;
        try (socket) {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER));
            if (in.readLong() != token) return; // not one of ours
            String job = in.readInt() + ":" + in.readInt(); // stage id and attempt: one barrier job attempt
            partition = in.readInt();
            int partitions = in.readInt();
            rounds = in.readInt();
            session = join(job, partition, partitions);
            // one buffer and one decoded state per connection, reused every round: a worker sends its next state only
            // after reading the average of its last one, which the session computed from every worker's state
            byte[] state = new byte[0];
            RoundState decoded = null;
            while (sent < rounds) {
                int round = in.readInt();
                int length = in.readInt();
                if (round == FAILED) {
                    session.breakRounds(failure(partition, readText(in, length)));
                    return;
                }
                if (state.length != length) state = new byte[length];
                in.readFully(state);
                decoded = RoundState.fromBytes(state, decoded);
                Session.Average average;
                try {
                    average = session.contribute(round, partition, decoded);
                } catch (BrokenRounds e) {
                    // the worker learns why, rather than seeing its connection close
                    out.writeInt(FAILED);
                    writeText(out, e.getMessage());
                    out.flush();
                    throw e;
                }
                out.writeInt(average.length());
                out.write(average.bytes(), 0, average.length());
                out.flush();
                sent++;
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (session != null) {
                if (!(e instanceof EOFException) || sent < rounds) {
                    LOG.debug("round exchange: worker {} left after {} of {} rounds ({})", partition, sent, rounds,
                            e.toString());
                }
                if (sent < rounds) session.breakRounds(left(partition, sent, rounds));
            }
        } finally {
            synchronized (connections) {
                connections.remove(socket);
            }
            if (session != null) ended(session);
        }
    }

    /** A worker's connection or client ended before its last round, without saying why. */
    private static String left(int partition, int sent, int rounds) {
        return "worker " + partition + " left the rounds after " + sent + " of " + rounds
                + " (its task failed or was killed)";
    }

    /** What a failing worker said about itself, as the other workers report it. */
    private static String failure(int partition, String reason) {
        return "worker " + partition + " failed: " + reason;
    }

    /** A failure's text, at most {@link #MAX_REASON} characters: it goes into every other worker's error. */
    private static String shorten(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "...";
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] bytes = shorten(text).getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static int checkedTextSize(int bytes) throws IOException {
        if (bytes < 0 || bytes > 4 * MAX_REASON) throw new IOException("a failure's text of " + bytes + " bytes");
        return bytes;
    }

    private static String readText(DataInputStream in, int length) throws IOException {
        byte[] bytes = new byte[checkedTextSize(length)];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The session of a job attempt ("stage:attempt"), for one more worker's connection. */
    private Session join(String job, int partition, int partitions) throws IOException {
        Session session = sessions.computeIfAbsent(job, k -> new Session(partitions));
        if (session.partitions != partitions || partition < 0 || partition >= partitions) {
            throw new IOException("partition " + partition + " of " + partitions + " does not fit the session of "
                    + session.partitions);
        }
        return session;
    }

    /** A worker's connection, socket or in-process, has ended; the session goes when all of them have. */
    private void ended(Session session) {
        if (session.connectionEnded()) sessions.values().remove(session);
    }

    private static void closeQuietly(Closeable c) {
        try {
            if (c != null) c.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }

    /** The driver's exchange address and the token that admits a worker, shipped with the task. */
    record Address(String host, int port, long token) implements Serializable {}

    /** The rounds of one barrier job attempt. */
    private static final class Session {
        final int partitions;
        private final Map<Integer, Slot> slots = new HashMap<>();
        private int left;
        private boolean broken;
        /** Why the rounds broke: the first reason given. */
        private String reason;
        // reused by every round: a round's average is computed only when every worker has sent that round's state,
        // that is after each has read the previous round's average in full
        private byte[] encoded;
        private RoundState averaged;
        private final double[][] sum = new double[1][];

        /** A round's average in the first {@code length} of {@code bytes} (0: nobody fitted). */
        record Average(byte[] bytes, int length) {}

        Session(int partitions) {
            this.partitions = partitions;
        }

        /** Adds a worker's state to its round; waits for the round's average, encoded. */
        synchronized Average contribute(int round, int partition, RoundState state) throws IOException,
                InterruptedException {
            Slot slot = arrive(round, partition, state, true);
            while (!slot.averaged && !broken) wait();
            return leave(round, slot).encoded;
        }

        /**
         * Adds an in-process worker's state to its round (its arrays are read, not copied, until every worker has
         * arrived) and waits for the round's average, in arrays shared with the session's other in-process workers
         * and valid until this worker adds its next round's state; null when nobody fitted. Every
         * {@code killCheckMs} it runs {@code killCheck}, which throws when the task is to stop.
         */
        synchronized RoundState contributeInProcess(int round, int partition, RoundState state, Runnable killCheck,
                                                    long killCheckMs) throws IOException, InterruptedException {
            Slot slot = arrive(round, partition, state, false);
            while (!slot.averaged && !broken) {
                wait(killCheckMs);
                if (!slot.averaged && !broken) killCheck.run();
            }
            return leave(round, slot).state;
        }

        private Slot arrive(int round, int partition, RoundState state, boolean encodedWanted) throws IOException {
            if (broken) throw new BrokenRounds(reason);
            Slot slot = slots.computeIfAbsent(round, r -> new Slot(partitions));
            if (slot.states[partition] != null) throw new IOException("worker " + partition + " sent round " + round + " twice");
            slot.states[partition] = state;
            if (encodedWanted) slot.encodedWanted = true;
            else slot.stateWanted = true;
            if (++slot.arrived == partitions) {
                List<RoundState> states = Arrays.asList(slot.states);
                if (slot.encodedWanted) {
                    byte[] bytes = RoundState.averageBytes(states, encoded, sum);
                    if (bytes == null) {
                        slot.encoded = new Average(new byte[0], 0);
                    } else {
                        encoded = bytes;
                        slot.encoded = new Average(bytes, RoundState.encodedSize(bytes));
                    }
                }
                if (slot.stateWanted) {
                    RoundState average = RoundState.averageInto(states, averaged, sum);
                    if (average != null) averaged = average;
                    slot.state = average;
                }
                slot.averaged = true;
                notifyAll();
            }
            return slot;
        }

        private Slot leave(int round, Slot slot) throws IOException {
            if (!slot.averaged) throw new BrokenRounds(reason);
            if (++slot.delivered == partitions) slots.remove(round);
            return slot;
        }

        synchronized void breakRounds(String why) {
            if (!broken) reason = why;
            broken = true;
            notifyAll();
        }

        /** A worker's connection ended; true when every worker's has and the session can go. */
        synchronized boolean connectionEnded() {
            return ++left >= partitions;
        }

        private static final class Slot {
            final RoundState[] states;
            int arrived;
            int delivered;
            boolean encodedWanted; // by a socket worker
            boolean stateWanted; // by an in-process worker
            boolean averaged;
            Average encoded;
            RoundState state;

            Slot(int partitions) {
                states = new RoundState[partitions];
            }
        }
    }

    /** The rounds of a session broke: a worker failed or left; the message says which and why. */
    private static final class BrokenRounds extends IOException {
        BrokenRounds(String reason) {
            super(reason);
        }
    }

    /** A worker's side of the exchange, for one epoch task. */
    abstract static class Client implements AutoCloseable {
        /**
         * Connects and says which job attempt, partition and round count this worker has; null where the address
         * is null or the driver cannot be reached. In the driver's JVM, a client of the exchange itself.
         */
        static Client connect(Address address, int stageId, int stageAttempt, int partition, int partitions,
                              int rounds) {
            if (address == null) return null;
            RoundExchange local = IN_THIS_JVM.get(address.token());
            if (local != null) {
                try {
                    return new InProcessClient(local, local.join(stageId + ":" + stageAttempt, partition, partitions),
                            partition, rounds);
                } catch (IOException e) {
                    LOG.info("averaging through allGather: {}", e.getMessage());
                    return null;
                }
            }
            return SocketClient.connect(address, stageId, stageAttempt, partition, partitions, rounds);
        }

        /**
         * Sends this worker's state for {@code round} and returns the round's average over all workers (null when
         * none fitted anything), in arrays this client may reuse for the next round's average. While it waits, it
         * runs {@code killCheck} about once a second, which throws to stop waiting.
         */
        abstract RoundState exchange(int round, RoundState mine, Runnable killCheck) throws IOException;

        /**
         * Tells the other workers why this one stops before its last round, so that each of their errors names the
         * cause: Spark reports whichever barrier task failed first, which can be a worker that was only waiting.
         * Best effort: the worker's own failure is what matters.
         */
        abstract void fail(Throwable cause);

        @Override
        public abstract void close();
    }

    /** A worker in the exchange's own JVM: the state's arrays go to the session as they are. */
    private static final class InProcessClient extends Client {
        private final RoundExchange exchange;
        private final Session session;
        private final int partition;
        private final int rounds;
        private int sent;
        private boolean closed;

        InProcessClient(RoundExchange exchange, Session session, int partition, int rounds) {
            this.exchange = exchange;
            this.session = session;
            this.partition = partition;
            this.rounds = rounds;
        }

        @Override
        RoundState exchange(int round, RoundState mine, Runnable killCheck) throws IOException {
            try {
                RoundState average = session.contributeInProcess(round, partition, mine, killCheck, KILL_CHECK_MS);
                sent++;
                return average;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for averaging round " + round);
            }
        }

        @Override
        void fail(Throwable cause) {
            session.breakRounds(failure(partition, cause.toString()));
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            if (sent < rounds) session.breakRounds(left(partition, sent, rounds)); // as a dropped socket does
            exchange.ended(session);
        }
    }

    /** A worker in another JVM (or told to use the socket): its state goes over one TCP connection. */
    private static final class SocketClient extends Client {
        private final Socket socket;
        private final InputStream in;
        private final DataOutputStream out;
        private final byte[] header = new byte[4];
        private byte[] request = new byte[0];
        private byte[] reply = new byte[0];
        private RoundState received;

        private SocketClient(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER));
        }

        static Client connect(Address address, int stageId, int stageAttempt, int partition, int partitions,
                              int rounds) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address.host(), address.port()), CONNECT_TIMEOUT_MS);
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(KILL_CHECK_MS);
                SocketClient client = new SocketClient(socket);
                client.out.writeLong(address.token());
                client.out.writeInt(stageId);
                client.out.writeInt(stageAttempt);
                client.out.writeInt(partition);
                client.out.writeInt(partitions);
                client.out.writeInt(rounds);
                client.out.flush();
                return client;
            } catch (IOException e) {
                LOG.info("averaging through allGather: the driver's exchange at {}:{} is out of reach ({})",
                        address.host(), address.port(), e.toString());
                closeQuietly(socket);
                return null;
            }
        }

        @Override
        RoundState exchange(int round, RoundState mine, Runnable killCheck) throws IOException {
            int size = mine.byteSize();
            if (request.length < size) request = new byte[size];
            mine.writeTo(request);
            out.writeInt(round);
            out.writeInt(size);
            out.write(request, 0, size);
            out.flush();
            int length = readInt(killCheck);
            if (length == FAILED) {
                int textSize = checkedTextSize(readInt(killCheck));
                byte[] text = new byte[textSize];
                readFully(text, textSize, killCheck);
                throw new BrokenRounds(new String(text, StandardCharsets.UTF_8));
            }
            if (length == 0) return null;
            if (reply.length != length) reply = new byte[length];
            readFully(reply, length, killCheck);
            received = RoundState.fromBytes(reply, received);
            return received;
        }

        private int readInt(Runnable killCheck) throws IOException {
            readFully(header, 4, killCheck);
            return ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8)
                    | (header[3] & 0xff);
        }

        @Override
        void fail(Throwable cause) {
            try {
                out.writeInt(FAILED);
                writeText(out, cause.toString());
                out.flush();
            } catch (IOException e) {
                // the connection is gone: closing it tells the driver the worker left
            }
        }

        private void readFully(byte[] into, int length, Runnable killCheck) throws IOException {
            int read = 0;
            while (read < length) {
                try {
                    int n = in.read(into, read, length - read);
                    if (n < 0) throw new EOFException("the driver's round exchange closed the connection");
                    read += n;
                } catch (SocketTimeoutException e) {
                    killCheck.run();
                }
            }
        }

        @Override
        public void close() {
            closeQuietly(socket);
        }
    }
}
