DETACH before
