/* The floor's load generator, in C: N non-blocking connections opened at once from one thread, one task line each as
 * soon as the connection is up, and the time until the last reply, counted from the first connect as the experiment
 * counts it. Prints one line: clients, connected (last connect done), sent (last task sent), last reply, failed.
 * Usage: floor_clients PORT CLIENTS [DEADLINE_S] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: floor_clients PORT CLIENTS [DEADLINE_S]\n"); return 2; }
    int port = atoi(argv[1]), clients = atoi(argv[2]);
    double deadline = argc > 3 ? atof(argv[3]) : 60;
    struct sockaddr_in server = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int poll = epoll_create1(0), *fds = calloc(clients, sizeof(int));
    char *state = calloc(clients, 1); /* 0 connecting, 1 sent, 2 replied, 3 failed */
    int left = clients, failed = 0;
    double start = now(), connected = 0, sent = 0, last_reply = 0;
    for (int i = 0; i < clients; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fds[i] < 0 || (connect(fds[i], (void *)&server, sizeof server) && errno != EINPROGRESS)) { state[i] = 3; failed++; left--; continue; }
        struct epoll_event interest = { .events = EPOLLOUT | EPOLLIN, .data.u32 = (unsigned)i };
        epoll_ctl(poll, EPOLL_CTL_ADD, fds[i], &interest);
    }
    struct epoll_event events[512];
    char buffer[512], line[64];
    while (left > 0 && now() - start < deadline) {
        int ready = epoll_wait(poll, events, 512, 100);
        for (int k = 0; k < ready; k++) {
            int i = (int)events[k].data.u32;
            if (events[k].events & (EPOLLERR | EPOLLHUP) && !(events[k].events & EPOLLIN)) {
                epoll_ctl(poll, EPOLL_CTL_DEL, fds[i], NULL);
                state[i] = 3; failed++; left--;
            } else if (state[i] == 0 && (events[k].events & EPOLLOUT)) {
                connected = now() - start;
                int length = snprintf(line, sizeof line, "task floor client %05d\n", i);
                if (write(fds[i], line, length) != length) { epoll_ctl(poll, EPOLL_CTL_DEL, fds[i], NULL); state[i] = 3; failed++; left--; continue; }
                sent = now() - start;
                state[i] = 1;
                struct epoll_event readable = { .events = EPOLLIN, .data.u32 = (unsigned)i };
                epoll_ctl(poll, EPOLL_CTL_MOD, fds[i], &readable);
            } else if (events[k].events & EPOLLIN) {
                ssize_t n = read(fds[i], buffer, sizeof buffer);
                epoll_ctl(poll, EPOLL_CTL_DEL, fds[i], NULL);
                if (n > 0 && memchr(buffer, '\n', n)) { state[i] = 2; last_reply = now() - start; }
                else { state[i] = 3; failed++; }
                left--;
            }
        }
    }
    failed += left; /* still waiting at the deadline */
    printf("clients=%d connected=%.3f sent=%.3f last_reply=%.3f failed=%d\n", clients, connected, sent, last_reply, failed);
    return failed == 0 ? 0 : 1;
}
