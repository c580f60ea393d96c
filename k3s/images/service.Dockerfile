# One image per deployable, built from the workspace root:
#   docker build -f k3s/images/service.Dockerfile --build-arg SERVICE=order-service -t <registry>/boxoffice/order-service:<tag> .
# SERVICE is one of command-service, query-service, order-service, projector, scheduler.
FROM rust:1.95.0-bookworm AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN test -n "$SERVICE" && cargo build --release --locked -p "$SERVICE" --bin "$SERVICE" \
    && cp "target/release/$SERVICE" /service

FROM debian:bookworm-slim
# tzdata: sessions are scheduled in their venue's time zone; ca-certificates: OIDC, Stripe, RDS TLS.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /service /usr/local/bin/service
# The UID the manifests run as (runAsUser 10001); no shell work at start, so a read-only root works.
USER 10001:10001
ENV LISTEN_ADDR=0.0.0.0:8080 LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/service"]
