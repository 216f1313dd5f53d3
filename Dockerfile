# kchat-bridge in a container: built on Debian 12 with the same packages the
# tests use, run as an unprivileged user. Used by docker-compose*.yml.
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        build-essential cmake pkg-config librdkafka-dev libwebsockets-dev libev-dev \
        libmsgpack-dev libjansson-dev libncurses-dev libcrypt-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -DKCHAT_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_INSTALL_PREFIX=/usr \
    && cmake --build /build -j"$(nproc)" \
    && DESTDIR=/out cmake --install /build

FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends \
        librdkafka1 libwebsockets17 libwebsockets-evlib-ev libev4 libmsgpackc2 \
        libjansson4 libncursesw6 libcrypt1 \
        libssl3 curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home kchat
COPY --from=build /out/ /
USER kchat
ENV SERVER_HOST=0.0.0.0 SERVER_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
ENTRYPOINT ["kchat-bridge"]
