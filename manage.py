#!/usr/bin/env python
from lindung.cli import main

if __name__ == "__main__":
    main()
