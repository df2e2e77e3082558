/*
 * The C side of scripts/bench.sh's cpu comparison: libmosquitto publishing N messages of S bytes
 * to one topic, driven by one thread through mosquitto_loop() (no background thread), and
 * printing the same "RESULT key=value ..." line as `sensorpub bench`.
 *
 *   mosq_pub_bench -h HOST -p PORT -t TOPIC -q 0|1 -n COUNT -s SIZE -w WINDOW [-W WARMUP]
 *
 * QoS 1: at most WINDOW messages are handed to the library unacknowledged (and the library's own
 * max_inflight_messages is WINDOW too); the run ends on the PUBACK of the last one.
 * QoS 0: the library reports a QoS 0 message once its bytes are written; at most 8,192 are handed
 * in ahead of that (as sensorpub hands in 8,192 ahead). After the last, one QoS 1 PUBLISH to
 * TOPIC/proof is sent and the run ends on its PUBACK: TCP keeps order, so the broker has read
 * every message before it (sensorpub ends on a PINGRESP, Paho on the same QoS 1 marker).
 * A warm-up run of WARMUP messages (default 0) on the same connection comes first, as the Java
 * clients do theirs. Exit status 0 on success, 1 on failure.
 */
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QOS0_AHEAD 8192

static long long handed_in;  /* messages given to mosquitto_publish in this run */
static long long reported;   /* on_publish calls in this run: PUBACKs (QoS 1) or writes (QoS 0) */
static int proof_mid = -1;
static int proof_done;
static int connected = -1;   /* -1 waiting, 0 refused, 1 accepted */

static void on_connect(struct mosquitto *m, void *obj, int rc) {
    (void)m; (void)obj;
    connected = rc == 0 ? 1 : 0;
}

static void on_publish(struct mosquitto *m, void *obj, int mid) {
    (void)m; (void)obj;
    if (mid == proof_mid) {
        proof_done = 1;
    } else {
        reported++;
    }
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(const char *what, int rc) {
    fprintf(stderr, "mosq_pub_bench: %s: %s\n", what, mosquitto_strerror(rc));
    return 1;
}

/* Publishes count messages; returns 0 once the broker proved it has them all. */
static int run(struct mosquitto *m, const char *topic, const char *proof_topic, int qos, long long count,
               const unsigned char *payload, int size, int window, double timeout_s) {
    handed_in = 0;
    reported = 0;
    proof_mid = -1;
    proof_done = 0;
    long long ahead = qos == 0 ? QOS0_AHEAD : window;
    double deadline = now_seconds() + timeout_s;
    while (qos == 1 ? reported < count : !proof_done) {
        while (handed_in < count && handed_in - reported < ahead) {
            int rc = mosquitto_publish(m, NULL, topic, size, payload, qos, false);
            if (rc != MOSQ_ERR_SUCCESS) {
                return fail("publish", rc);
            }
            handed_in++;
        }
        if (qos == 0 && reported == count && proof_mid < 0) {
            int rc = mosquitto_publish(m, &proof_mid, proof_topic, 0, NULL, 1, false);
            if (rc != MOSQ_ERR_SUCCESS) {
                return fail("publish the proof", rc);
            }
        }
        int rc = mosquitto_loop(m, 1000, 1);
        if (rc != MOSQ_ERR_SUCCESS) {
            return fail("loop", rc);
        }
        if (now_seconds() > deadline) {
            fprintf(stderr, "mosq_pub_bench: only %lld of %lld confirmed within %.0f s\n", reported, count, timeout_s);
            return 1;
        }
    }
    return 0;
}

static void usage(void) {
    fprintf(stderr, "usage: mosq_pub_bench -h HOST -p PORT -t TOPIC -q 0|1 -n COUNT -s SIZE -w WINDOW [-W WARMUP]\n");
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    const char *topic = NULL;
    int port = 1883, qos = -1, size = 32, window = 32, opt;
    long long count = 0, warmup = 0;
    while ((opt = getopt(argc, argv, "h:p:t:q:n:s:w:W:")) != -1) {
        switch (opt) {
            case 'h': host = optarg; break;
            case 'p': port = atoi(optarg); break;
            case 't': topic = optarg; break;
            case 'q': qos = atoi(optarg); break;
            case 'n': count = atoll(optarg); break;
            case 's': size = atoi(optarg); break;
            case 'w': window = atoi(optarg); break;
            case 'W': warmup = atoll(optarg); break;
            default: usage(); return 1;
        }
    }
    if (topic == NULL || (qos != 0 && qos != 1) || count < 1 || size < 0 || size > 65536 || window < 1
            || window > 65535 || warmup < 0 || port < 1 || port > 65535) {
        fprintf(stderr, "mosq_pub_bench: need -t TOPIC, -q 0|1, -n >= 1, -s 0..65536, -w 1..65535, -p 1..65535\n");
        usage();
        return 1;
    }
    char proof_topic[512];
    snprintf(proof_topic, sizeof proof_topic, "%s/proof", topic);
    /* The same printable bytes as the Java harnesses send. */
    static const char pattern[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    unsigned char *payload = malloc(size > 0 ? size : 1);
    for (int i = 0; i < size; i++) {
        payload[i] = pattern[i % 36];
    }

    mosquitto_lib_init();
    char id[64];
    snprintf(id, sizeof id, "mosq-bench-%ld", (long)getpid());
    struct mosquitto *m = mosquitto_new(id, true, NULL);
    if (m == NULL) {
        fprintf(stderr, "mosq_pub_bench: mosquitto_new failed\n");
        return 1;
    }
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_max_inflight_messages_set(m, window);
    mosquitto_connect_callback_set(m, on_connect);
    mosquitto_publish_callback_set(m, on_publish);
    int rc = mosquitto_connect(m, host, port, 60);
    if (rc != MOSQ_ERR_SUCCESS) {
        return fail("connect", rc);
    }
    double connect_deadline = now_seconds() + 10;
    while (connected < 0 && now_seconds() < connect_deadline) {
        rc = mosquitto_loop(m, 100, 1);
        if (rc != MOSQ_ERR_SUCCESS) {
            return fail("connect", rc);
        }
    }
    if (connected != 1) {
        fprintf(stderr, "mosq_pub_bench: no CONNACK accepting us within 10 s\n");
        return 1;
    }
    double timeout = 60 + count / 10000.0;
    if (warmup > 0 && run(m, topic, proof_topic, qos, warmup, payload, size, window, timeout) != 0) {
        return 1;
    }
    double start = now_seconds();
    if (run(m, topic, proof_topic, qos, count, payload, size, window, timeout) != 0) {
        return 1;
    }
    double seconds = now_seconds() - start;
    printf("RESULT client=libmosquitto qos=%d count=%lld size=%d window=%d seconds=%.3f msgs_per_sec=%.0f\n",
           qos, count, size, window, seconds, count / seconds);
    mosquitto_disconnect(m);
    mosquitto_loop(m, 100, 1);
    mosquitto_destroy(m);
    mosquitto_lib_cleanup();
    free(payload);
    return 0;
}
