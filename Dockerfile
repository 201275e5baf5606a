# Lijntje: one image for web and worker (the command picks the role).
# Built the way CI checks it: .ci/build-release compiles to dist/ and installs
# production dependencies only into a clean copy; .ci/run runs the same script
# and starts the result, so a step that would break this image breaks CI first.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN bash .ci/build-release /app

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app ./
# Where card PDFs are written (a volume in docker-compose.yml); a new volume takes this owner.
RUN mkdir -p /var/lib/lijntje/cards && chown node:node /var/lib/lijntje/cards
# The image's own non-root user; the app writes nothing to its folder.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "dist/bin/web.js"]
