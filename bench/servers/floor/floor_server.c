/* The floor for the servers experiment: the least a task server can do, in C, on one thread with epoll. It accepts,
 * reads one line per connection, and answers "done" T ms after the line arrived (replies leave in arrival order from a
 * FIFO of deadlines: every task takes the same T). No protocol checks, no second task: it only measures what the
 * machine itself costs for N connections arriving at once. Usage: floor_server PORT TASK_MS */
#define _GNU_SOURCE
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
    if (argc != 3) { fprintf(stderr, "usage: floor_server PORT TASK_MS\n"); return 2; }
    int port = atoi(argv[1]);
    double task = atoi(argv[2]) / 1000.0;
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(listener, (void *)&address, sizeof address) || listen(listener, 65535)) { perror("listen"); return 1; }
    int poll = epoll_create1(0);
    struct epoll_event interest = { .events = EPOLLIN, .data.fd = listener };
    epoll_ctl(poll, EPOLL_CTL_ADD, listener, &interest);
    printf("SERVER READY design=floor port=%d\n", port);
    fflush(stdout);

    enum { Capacity = 1 << 20 };
    int *due_fd = malloc(Capacity * sizeof(int));
    double *due_at = malloc(Capacity * sizeof(double));
    long head = 0, tail = 0;
    struct epoll_event events[512];
    char buffer[4096];
    for (;;) {
        int timeout = head < tail ? (int)((due_at[head % Capacity] - now()) * 1000) + 1 : 1000;
        int ready = epoll_wait(poll, events, 512, timeout < 0 ? 0 : timeout);
        for (int i = 0; i < ready; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                int connection;
                while ((connection = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    struct epoll_event readable = { .events = EPOLLIN, .data.fd = connection };
                    epoll_ctl(poll, EPOLL_CTL_ADD, connection, &readable);
                }
                continue;
            }
            ssize_t read_bytes = read(fd, buffer, sizeof buffer);
            if (read_bytes <= 0) { close(fd); continue; }
            if (memchr(buffer, '\n', read_bytes) && tail - head < Capacity) {
                epoll_ctl(poll, EPOLL_CTL_DEL, fd, NULL);
                due_fd[tail % Capacity] = fd;
                due_at[tail % Capacity] = now() + task;
                tail++;
            }
        }
        for (double t = now(); head < tail && due_at[head % Capacity] <= t; head++) {
            int fd = due_fd[head % Capacity];
            if (write(fd, "done\n", 5) < 0) { /* the client left: nothing to answer */ }
            close(fd);
        }
    }
}
