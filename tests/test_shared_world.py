"""The world is built once a module and shared; each test still starts from it as built."""

from branches.models import Store
from scorecards.models import Visit


def test_a_test_may_change_the_world_in_memory_and_in_the_database(world):
    world.bund.name = "改过的名字"
    world.bund.save(update_fields=["name"])
    Visit.objects.filter(pk=world.pending_bund_visit.pk).delete()
    world.hq.first_name = "Changed"


def test_the_next_test_finds_the_world_as_it_was_built(world):
    assert world.bund.name == "上海外滩餐厅"
    assert Store.objects.get(pk=world.bund.pk).name == "上海外滩餐厅"
    assert Visit.objects.filter(pk=world.pending_bund_visit.pk).exists()
    assert world.hq.first_name != "Changed"


def test_copies_keep_the_worlds_objects_linked_to_each_other(world):
    # One store object behind the store manager's store and the world's own: a copy, not copies.
    assert world.released_bund_visit.store is world.bund or world.released_bund_visit.store_id == world.bund.pk
