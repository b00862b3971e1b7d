from django import template

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Format seconds as "1 h 05 min", "12 min 30 s" or "45 s"."""
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


@register.filter
def subtract(value, other):
    return (value or 0) - (other or 0)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
