/* The floor's load generator, in C: N non-blocking connections opened at once, one task line each as soon as the
 * connection is up, and the time until the last reply, counted from the first connect as the experiment counts it.
 * The connections are opened by one thread per core (LANES, default: the online cores), each with its own epoll and
 * its share of the clients, as the experiment's own generator does: on loopback the kernel does both ends of the TCP
 * handshake in the connecting thread, so one thread alone is what limits how fast N connections open.
 * Prints one line: clients, connected (last connect done), sent (last task sent), last reply, failed.
 * Usage: floor_clients PORT CLIENTS [DEADLINE_S] [LANES] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

struct lane {
    int first, step, clients, failed;
    double start, deadline, connected, sent, last_reply;
    struct sockaddr_in server;
};

static void *run_lane(void *argument) {
    struct lane *lane = argument;
    int count = 0;
    for (int i = lane->first; i < lane->clients; i += lane->step) count++;
    int poll = epoll_create1(0), *fds = calloc(count, sizeof(int));
    char *state = calloc(count, 1); /* 0 connecting, 1 sent, 2 replied, 3 failed */
    int left = count;
    for (int k = 0; k < count; k++) {
        fds[k] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fds[k] < 0 || (connect(fds[k], (void *)&lane->server, sizeof lane->server) && errno != EINPROGRESS)) { state[k] = 3; lane->failed++; left--; continue; }
        struct epoll_event interest = { .events = EPOLLOUT | EPOLLIN, .data.u32 = (unsigned)k };
        epoll_ctl(poll, EPOLL_CTL_ADD, fds[k], &interest);
    }
    struct epoll_event events[512];
    char buffer[512], line[64];
    while (left > 0 && now() - lane->start < lane->deadline) {
        int ready = epoll_wait(poll, events, 512, 100);
        for (int e = 0; e < ready; e++) {
            int k = (int)events[e].data.u32;
            if (events[e].events & (EPOLLERR | EPOLLHUP) && !(events[e].events & EPOLLIN)) {
                epoll_ctl(poll, EPOLL_CTL_DEL, fds[k], NULL);
                state[k] = 3; lane->failed++; left--;
            } else if (state[k] == 0 && (events[e].events & EPOLLOUT)) {
                lane->connected = now() - lane->start;
                int length = snprintf(line, sizeof line, "task floor client %05d\n", lane->first + k * lane->step);
                if (write(fds[k], line, length) != length) { epoll_ctl(poll, EPOLL_CTL_DEL, fds[k], NULL); state[k] = 3; lane->failed++; left--; continue; }
                lane->sent = now() - lane->start;
                state[k] = 1;
                struct epoll_event readable = { .events = EPOLLIN, .data.u32 = (unsigned)k };
                epoll_ctl(poll, EPOLL_CTL_MOD, fds[k], &readable);
            } else if (events[e].events & EPOLLIN) {
                ssize_t n = read(fds[k], buffer, sizeof buffer);
                epoll_ctl(poll, EPOLL_CTL_DEL, fds[k], NULL);
                if (n > 0 && memchr(buffer, '\n', n)) { state[k] = 2; lane->last_reply = now() - lane->start; }
                else { state[k] = 3; lane->failed++; }
                left--;
            }
        }
    }
    lane->failed += left; /* still waiting at the deadline */
    for (int k = 0; k < count; k++) if (fds[k] >= 0) close(fds[k]);
    close(poll);
    free(fds);
    free(state);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: floor_clients PORT CLIENTS [DEADLINE_S] [LANES]\n"); return 2; }
    int port = atoi(argv[1]), clients = atoi(argv[2]);
    double deadline = argc > 3 ? atof(argv[3]) : 60;
    int lanes = argc > 4 ? atoi(argv[4]) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (port <= 0 || clients <= 0 || deadline <= 0 || lanes <= 0) { fprintf(stderr, "floor_clients: PORT, CLIENTS, DEADLINE_S and LANES must be positive\n"); return 2; }
    if (lanes > clients) lanes = clients;
    struct lane *all = calloc(lanes, sizeof *all);
    pthread_t *threads = calloc(lanes, sizeof *threads);
    struct sockaddr_in server = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    double start = now();
    for (int l = 0; l < lanes; l++) {
        all[l] = (struct lane){ .first = l, .step = lanes, .clients = clients, .start = start, .deadline = deadline, .server = server };
        pthread_create(&threads[l], NULL, run_lane, &all[l]);
    }
    double connected = 0, sent = 0, last_reply = 0;
    int failed = 0;
    for (int l = 0; l < lanes; l++) {
        pthread_join(threads[l], NULL);
        if (all[l].connected > connected) connected = all[l].connected;
        if (all[l].sent > sent) sent = all[l].sent;
        if (all[l].last_reply > last_reply) last_reply = all[l].last_reply;
        failed += all[l].failed;
    }
    printf("clients=%d connected=%.3f sent=%.3f last_reply=%.3f failed=%d lanes=%d\n", clients, connected, sent, last_reply, failed, lanes);
    return failed == 0 ? 0 : 1;
}
