"""Operations room: the headless `serve` process and its Prometheus exposition."""
